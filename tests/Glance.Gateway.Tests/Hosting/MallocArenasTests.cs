using Glance.Gateway.Hosting;

namespace Glance.Gateway.Tests.Hosting;

/// <summary>The malloc arena cap that <see cref="Program.Main"/> sets first (native memory).</summary>
public sealed class MallocArenasTests
{
    [Fact]
    public void Limit_OnGlibcWithoutAnOperatorSetting_IsTakenByMallopt()
    {
        // This machine is Debian (glibc); an operator's MALLOC_ARENA_MAX would be left alone.
        var expected = OperatingSystem.IsLinux() && Environment.GetEnvironmentVariable("MALLOC_ARENA_MAX") is null;

        Assert.Equal(expected, MallocArenas.Limit());
        Assert.True(MallocArenas.Default >= 2);
    }
}
