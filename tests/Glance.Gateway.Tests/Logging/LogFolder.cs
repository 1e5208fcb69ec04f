using System.Text;
using Glance.Gateway.Logging;
using Microsoft.Extensions.Configuration;
using Serilog;
using Serilog.Core;

namespace Glance.Gateway.Tests.Logging;

/// <summary>A temporary folder for one test's log files, and the binder's inputs built from settings or JSON.</summary>
internal sealed class LogFolder : IDisposable
{
    /// <summary>The folder.</summary>
    public string Root { get; } = Directory.CreateTempSubdirectory("glance-logging-").FullName;

    /// <summary>A file of the folder.</summary>
    public string PathOf(string name) => Path.Combine(Root, name);

    /// <summary>The lines of a file of the folder (none when it does not exist).</summary>
    public string[] Lines(string name) => File.Exists(PathOf(name)) ? File.ReadAllLines(PathOf(name)) : [];

    /// <summary>The files of the folder matching <paramref name="pattern"/>, by name.</summary>
    public string[] Files(string pattern) => Directory.GetFiles(Root, pattern).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;

    /// <summary>The section <paramref name="name"/> of flat settings (as environment variables and the tests give them).</summary>
    public static IConfigurationSection Section(IDictionary<string, string?> settings, string name = "Serilog") =>
        new ConfigurationBuilder().AddInMemoryCollection(settings).Build().GetSection(name);

    /// <summary>The section <paramref name="name"/> of a JSON document (as config/serilog.json gives it).</summary>
    public static IConfigurationSection Json(string json, string name = "Serilog") =>
        new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json))).Build().GetSection(name);

    /// <summary>A logger configured by the binder from <paramref name="section"/> alone.</summary>
    public static Logger Create(IConfigurationSection section, params string[] ownPipelines) =>
        SerilogSection.Configure(new LoggerConfiguration(), section, ownPipelines).CreateLogger();

    /// <summary>Escapes a path for a JSON string.</summary>
    public static string JsonPath(string path) => path.Replace("\\", "\\\\", StringComparison.Ordinal);

    /// <inheritdoc />
    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // Temporary anyway.
        }
    }
}
