using System.Diagnostics;
using System.Text.RegularExpressions;
using Glance.ImageStore.Tests.Support;

namespace Glance.ImageStore.Tests.Cli;

/// <summary>
/// python-glanceclient (the <c>glance</c> CLI) against the running store. The CLI sends a token,
/// not identity headers, so the store runs with <c>DevIdentity</c> enabled: any token is the
/// fixed identity (project <c>cli-project</c>, role admin). The test fails, never skips, when the
/// CLI is missing.
/// </summary>
public sealed partial class GlanceCliTests : IAsyncLifetime
{
    private const string Glance = "/usr/bin/glance";
    private StoreInstance _store = null!;
    private string _home = null!;

    public async Task InitializeAsync()
    {
        _store = await StoreInstance.StartAsync(o =>
        {
            o.DevIdentity.Enabled = true;
            o.DevIdentity.ProjectId = "cli-project";
            o.DevIdentity.Roles = "admin";
        });
        _home = Path.Combine(_store.Options.DataPath, "home");
        Directory.CreateDirectory(_home);
    }

    public async Task DisposeAsync() => await _store.DisposeAsync();

    [Fact]
    public async Task GlanceCli_ImageAndMemberCommands_WorkAgainstTheStore()
    {
        Assert.True(File.Exists(Glance), "python-glanceclient is not installed (/usr/bin/glance missing): apt-get install -y python3-glanceclient");

        var create = await RunAsync("some image data", "image-create", "--name", "cli-image", "--disk-format", "raw", "--container-format", "bare");
        Assert.True(create.ExitCode == 0, create.ToString());
        var imageId = IdRow().Match(create.Output).Groups[1].Value;
        Assert.Matches("^[0-9a-f-]{36}$", imageId);
        Assert.Matches(@"\|\s*status\s*\|\s*active\s*\|", create.Output);
        Assert.Matches(@"\|\s*size\s*\|\s*15\s*\|", create.Output);

        var add = await RunAsync(null, "member-create", imageId, "project-b");
        Assert.True(add.ExitCode == 0, add.ToString());
        Assert.Matches($@"\|\s*{imageId}\s*\|\s*project-b\s*\|\s*pending\s*\|", add.Output);

        var duplicate = await RunAsync(null, "member-create", imageId, "project-b");
        Assert.Equal(1, duplicate.ExitCode);
        Assert.Contains($"HTTP 409 Conflict: Member project-b is duplicated for image {imageId}", duplicate.Error, StringComparison.Ordinal);

        var update = await RunAsync(null, "member-update", imageId, "project-b", "accepted");
        Assert.True(update.ExitCode == 0, update.ToString());
        Assert.Matches($@"\|\s*{imageId}\s*\|\s*project-b\s*\|\s*accepted\s*\|", update.Output);

        var list = await RunAsync(null, "member-list", "--image-id", imageId);
        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.Matches($@"\|\s*{imageId}\s*\|\s*project-b\s*\|\s*accepted\s*\|", list.Output);

        var delete = await RunAsync(null, "member-delete", imageId, "project-b");
        Assert.True(delete.ExitCode == 0, delete.ToString());

        var again = await RunAsync(null, "member-delete", imageId, "project-b");
        Assert.Equal(1, again.ExitCode);
        Assert.Contains($"HTTP 404 Not Found: project-b not found in the member list of the image {imageId}.", again.Output + again.Error, StringComparison.Ordinal);

        var empty = await RunAsync(null, "member-list", "--image-id", imageId);
        Assert.True(empty.ExitCode == 0, empty.ToString());
        Assert.DoesNotContain("project-b", empty.Output, StringComparison.Ordinal);
    }

    private async Task<Result> RunAsync(string? stdin, params string[] arguments)
    {
        var info = new ProcessStartInfo(Glance)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "--os-image-url", _store.BaseUri.ToString().TrimEnd('/'), "--os-auth-token", "dev-token" }.Concat(arguments))
        {
            info.ArgumentList.Add(argument);
        }

        // The CLI caches schemas under $HOME; keep it out of the real home, and ignore any OS_* settings.
        info.Environment["HOME"] = _home;
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("OS_", StringComparison.Ordinal)).ToList())
        {
            info.Environment.Remove(key);
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
        }

        process.StandardInput.Close();
        using var guard = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(guard.Token);
        return new Result(process.ExitCode, await output, await error, string.Join(' ', arguments));
    }

    private sealed record Result(int ExitCode, string Output, string Error, string Command)
    {
        public override string ToString() => $"glance {Command} exited {ExitCode}\nstdout:\n{Output}\nstderr:\n{Error}";
    }

    [GeneratedRegex(@"\|\s*id\s*\|\s*([0-9a-f-]{36})\s*\|")]
    private static partial Regex IdRow();
}
