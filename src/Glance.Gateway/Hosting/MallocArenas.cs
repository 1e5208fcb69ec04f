using System.Runtime.InteropServices;

namespace Glance.Gateway.Hosting;

/// <summary>
/// Caps glibc's malloc arenas. glibc gives a thread that finds the heap busy an arena of its own,
/// up to eight per core, and what is freed in an arena stays resident for it. The gateway's native
/// allocations (SQLite in the hosted store, OpenSSL hashing tokens, the runtime itself) come from
/// many thread-pool threads, so under load the arenas multiply: two arenas took the benchmark's
/// peak RSS from 209 to 193 MiB at the same throughput (README, Performance). Works only for
/// arenas not yet created, so <see cref="Program.Main"/> calls it first. An operator's own
/// <c>MALLOC_ARENA_MAX</c> wins; without glibc (musl, other systems) this does nothing.
/// </summary>
internal static partial class MallocArenas
{
    /// <summary>The cap: one arena per core (2 on the machine this was measured on), never fewer than 2.</summary>
    public static int Default => Math.Max(2, Environment.ProcessorCount);

    private const int ArenaMaxParameter = -8; // M_ARENA_MAX in <malloc.h>

    /// <summary>Applies the cap; true when glibc took it.</summary>
    public static bool Limit()
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable("MALLOC_ARENA_MAX") is not null)
        {
            return false;
        }

        try
        {
            return MallOpt(ArenaMaxParameter, Default) == 1;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    [LibraryImport("libc.so.6", EntryPoint = "mallopt")]
    private static partial int MallOpt(int parameter, int value);
}
