using Glance.Gateway.Commands;

namespace Glance.Gateway.Tests.Commands;

/// <summary>
/// Runs a command in process, as <c>Main</c> does, with stdout and stderr captured; and a scratch
/// folder holding a copy of the repository's <c>config/</c> for the tests to break.
/// </summary>
internal sealed class CommandRun : IDisposable
{
    public CommandRun()
    {
        Root = Directory.CreateTempSubdirectory("glance-commands-").FullName;
        Config = Path.Combine(Root, "config");
        Directory.CreateDirectory(Config);
        foreach (var file in Directory.GetFiles(ShippedConfig))
        {
            File.Copy(file, Path.Combine(Config, Path.GetFileName(file)));
        }
    }

    /// <summary>The repository's own <c>config/</c> (found above the test's output folder).</summary>
    public static string ShippedConfig
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Glance.Gateway.sln")))
                {
                    return Path.Combine(dir.FullName, "config");
                }
            }

            throw new InvalidOperationException("the repository root (Glance.Gateway.sln) is not above " + AppContext.BaseDirectory);
        }
    }

    /// <summary>The scratch folder.</summary>
    public string Root { get; }

    /// <summary>The scratch copy of config/.</summary>
    public string Config { get; }

    /// <summary>Writes a file in the scratch folder and returns its path.</summary>
    public string Write(string name, string text)
    {
        var path = Path.Combine(Root, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>Runs <paramref name="args"/> with these extra settings.</summary>
    public static async Task<(int Exit, string Out, string Error)> RunAsync(IReadOnlyDictionary<string, string?>? settings, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await GatewayCommands.RunAsync(args, output, error, settings);
        return (exit, output.ToString(), error.ToString());
    }

    /// <summary>Runs <paramref name="args"/>.</summary>
    public static Task<(int Exit, string Out, string Error)> RunAsync(params string[] args) => RunAsync(null, args);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // a scratch folder left behind is harmless
        }
    }
}
