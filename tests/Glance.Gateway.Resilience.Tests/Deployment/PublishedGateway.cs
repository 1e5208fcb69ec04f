using System.Diagnostics;

namespace Glance.Gateway.Resilience.Tests.Deployment;

/// <summary>
/// The gateway as the README installs it: <c>dotnet publish src/Glance.Gateway -c Release</c>.
/// The test command publishes it once and says where in <c>GLANCE_GATEWAY_PUBLISHED</c>; run
/// alone, the tests publish it themselves into a temporary folder (once per test run).
/// </summary>
public static class PublishedGateway
{
    /// <summary>The variable the test command sets to the publish folder.</summary>
    public const string Variable = "GLANCE_GATEWAY_PUBLISHED";

    private static readonly Lazy<Task<string>> Folder = new(PublishAsync);

    /// <summary>The published gateway's executable (the apphost, as systemd starts it).</summary>
    public static async Task<string> ExecutableAsync() => Path.Combine(await Folder.Value, "Glance.Gateway");

    private static async Task<string> PublishAsync()
    {
        if (Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } given)
        {
            return File.Exists(Path.Combine(given, "Glance.Gateway"))
                ? given
                : throw new InvalidOperationException($"{Variable}={given} holds no published Glance.Gateway");
        }

        var output = Directory.CreateTempSubdirectory("glance-gateway-publish-").FullName;
        var info = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { "publish", Path.Combine(RepositoryRoot(), "src", "Glance.Gateway"), "-c", "Release", "-o", output, "--nologo" },
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return process.ExitCode == 0
            ? output
            : throw new InvalidOperationException($"dotnet publish failed ({process.ExitCode}):\n{await stdout}\n{await stderr}");
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Glance.Gateway.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("the repository root (Glance.Gateway.sln) is not above " + AppContext.BaseDirectory);
    }
}
