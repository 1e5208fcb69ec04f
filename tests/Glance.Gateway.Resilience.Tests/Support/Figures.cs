using System.Globalization;
using Xunit.Abstractions;

namespace Glance.Gateway.Resilience.Tests.Support;

/// <summary>
/// The figures a load or fault run produces (requests, 5xx, RSS…): printed to the test output and
/// to stdout, and appended to <c>TestResults/figures-NAME.txt</c> beside the test binaries so
/// they can be read after a run.
/// </summary>
public static class Figures
{
    /// <summary>The folder the figure files are written to.</summary>
    public static string Folder => Path.Combine(AppContext.BaseDirectory, "TestResults");

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

    /// <summary>Bytes as MiB with one decimal.</summary>
    public static string MiB(long bytes) => (bytes / 1024d / 1024d).ToString("F1", CultureInfo.InvariantCulture) + " MiB";
}
