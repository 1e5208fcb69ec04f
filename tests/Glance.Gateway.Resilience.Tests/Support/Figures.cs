using System.Globalization;
using Xunit.Abstractions;

namespace Glance.Gateway.Resilience.Tests.Support;

/// <summary>
/// The figures a load or fault run produces (requests, 5xx, RSS…): printed to the test output and
/// to stdout, and appended to <c>TestResults/figures-NAME.txt</c> at the repository root (git
/// ignores it) so they can be read after <c>scripts/test.sh</c>, which keeps no test output.
/// </summary>
public static class Figures
{
    /// <summary>The folder the figure files are written to (beside the test binaries when no repository is found).</summary>
    public static string Folder { get; } = FindFolder();

    /// <summary>Writes one line of figures for <paramref name="name"/>.</summary>
    public static void Report(ITestOutputHelper output, string name, string line)
    {
        ArgumentNullException.ThrowIfNull(output);
        var text = $"[figures] {name}: {line}";
        output.WriteLine(text);
        Console.WriteLine(text);
        Directory.CreateDirectory(Folder);
        File.AppendAllText(Path.Combine(Folder, $"figures-{name}.txt"),
            $"{DateTimeOffset.UtcNow.ToString("u", CultureInfo.InvariantCulture)} {line}{Environment.NewLine}");
    }

    private static string FindFolder()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Glance.Gateway.sln")))
            {
                return Path.Combine(directory.FullName, "TestResults");
            }
        }

        return Path.Combine(AppContext.BaseDirectory, "TestResults");
    }

    /// <summary>Bytes as MiB with one decimal.</summary>
    public static string MiB(long bytes) => (bytes / 1024d / 1024d).ToString("F1", CultureInfo.InvariantCulture) + " MiB";
}
