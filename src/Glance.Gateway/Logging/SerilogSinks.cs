using System.Globalization;
using Serilog;
using Serilog.Configuration;
using Serilog.Events;
using Serilog.Sinks.OpenTelemetry;
using static Glance.Gateway.Logging.SerilogSection;

namespace Glance.Gateway.Logging;

/// <summary>
/// The sinks a <c>WriteTo</c> list may name (case-insensitive), each entry
/// <c>{ "Name": ..., "Args": { ... } }</c> or just the name: Console, File, Async (whose
/// <c>configure</c> is a nested list of the same) and OpenTelemetry. An entry is read and
/// checked whole into a closure; the sinks are only created when the closures run.
/// </summary>
internal static class SerilogSinks
{
    // The sinks' own defaults where a setting is absent (their constants are private).
    private const string ConsoleTemplate = "[{Timestamp:HH:mm:ss} {Level:u3}] {Message:lj}{NewLine}{Exception}";
    private const string FileTemplate = "{Timestamp:yyyy-MM-dd HH:mm:ss.fff zzz} [{Level:u3}] {Message:lj}{NewLine}{Exception}";
    private const long FileSizeLimitBytes = 1L * 1024 * 1024 * 1024;
    private const int RetainedFileCount = 31;
    private const int AsyncBufferSize = 10_000;

    private static readonly Dictionary<string, Func<IConfigurationSection, Action<LoggerSinkConfiguration>>> Known = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Console"] = Console,
        ["File"] = File,
        ["Async"] = Async,
        ["OpenTelemetry"] = OpenTelemetry,
    };

    /// <summary>Reads the sink list <paramref name="list"/> (array or object of entries); the result writes to them all.</summary>
    public static Action<LoggerSinkConfiguration> Read(IConfigurationSection list)
    {
        if (!string.IsNullOrEmpty(list.Value) && !list.GetChildren().Any())
        {
            throw Error(list.Path, $"must be a list of sinks, such as [ {{ \"Name\": \"{list.Value}\" }} ].");
        }

        var sinks = list.GetChildren().Select(Entry).ToList();
        return writeTo =>
        {
            foreach (var sink in sinks)
            {
                sink(writeTo);
            }
        };
    }

    private static Action<LoggerSinkConfiguration> Entry(IConfigurationSection entry)
    {
        var extra = entry.GetChildren().FirstOrDefault(c => !Is(c.Key, "Name") && !Is(c.Key, "Args"));
        if (extra is not null)
        {
            throw Error(extra.Path, "is not a setting of a sink entry; accepted: Name, Args.");
        }

        var hasChildren = entry.GetChildren().Any();
        var name = hasChildren ? entry["Name"] : entry.Value;
        var namePath = hasChildren ? entry.Path + ":Name" : entry.Path;
        if (string.IsNullOrWhiteSpace(name))
        {
            throw Error(namePath, $"is required: the sink's name; accepted: {string.Join(", ", Known.Keys)}.");
        }

        return Known.TryGetValue(name.Trim(), out var sink)
            ? sink(entry)
            : throw Error(namePath, $"'{name}' is not a sink the gateway knows; accepted: {string.Join(", ", Known.Keys)}.");
    }

    private static Action<LoggerSinkConfiguration> Console(IConfigurationSection entry)
    {
        var args = new SinkArgs(entry, "Console", "formatter", "outputTemplate", "restrictedToMinimumLevel", "standardErrorFromLevel");
        args.NotBoth("formatter", "outputTemplate", "Console");
        var formatter = args.Formatter("formatter");
        var template = args.String("outputTemplate") ?? ConsoleTemplate;
        var level = args.Level("restrictedToMinimumLevel", LevelAlias.Minimum);
        var standardError = args.OptionalLevel("standardErrorFromLevel");
        return formatter is not null
            ? writeTo => writeTo.Console(formatter(), level, standardErrorFromLevel: standardError)
            : writeTo => writeTo.Console(level, template, CultureInfo.InvariantCulture, standardErrorFromLevel: standardError);
    }

    private static Action<LoggerSinkConfiguration> File(IConfigurationSection entry)
    {
        var args = new SinkArgs(
            entry, "File", "path", "formatter", "outputTemplate", "restrictedToMinimumLevel", "rollingInterval", "fileSizeLimitBytes",
            "rollOnFileSizeLimit", "retainedFileCountLimit", "retainedFileTimeLimit", "buffered", "shared", "flushToDiskInterval");
        var path = args.Required("path", "File", "the file to write (relative to the working directory)");
        args.NotBoth("formatter", "outputTemplate", "File");
        var formatter = args.Formatter("formatter");
        var template = args.String("outputTemplate") ?? FileTemplate;
        var level = args.Level("restrictedToMinimumLevel", LevelAlias.Minimum);
        var rolling = args.Choice<RollingInterval>("rollingInterval", "a rolling interval") ?? RollingInterval.Infinite;
        var sizeLimit = args.OptionalLong("fileSizeLimitBytes", FileSizeLimitBytes);
        var rollOnSize = args.Bool("rollOnFileSizeLimit", false);
        var retainedCount = args.OptionalInt("retainedFileCountLimit", RetainedFileCount);
        var retainedTime = args.Duration("retainedFileTimeLimit");
        var buffered = args.Bool("buffered", false);
        var shared = args.Bool("shared", false);
        var flush = args.Duration("flushToDiskInterval");
        if (buffered && shared)
        {
            throw Error(args.Section("shared")!.Path, "cannot be true with buffered: the File sink does not buffer a shared file.");
        }

        return formatter is not null
            ? writeTo => writeTo.File(
                formatter(), path, level, sizeLimit, levelSwitch: null, buffered, shared, flush, rolling, rollOnSize, retainedCount,
                encoding: null, hooks: null, retainedTime)
            : writeTo => writeTo.File(
                path, level, template, CultureInfo.InvariantCulture, sizeLimit, levelSwitch: null, buffered, shared, flush, rolling,
                rollOnSize, retainedCount, encoding: null, hooks: null, retainedTime);
    }

    private static Action<LoggerSinkConfiguration> Async(IConfigurationSection entry)
    {
        var args = new SinkArgs(entry, "Async", "configure", "bufferSize", "blockWhenFull");
        var configure = args.Section("configure");
        if (configure is null || !configure.GetChildren().Any())
        {
            throw Error(configure?.Path ?? entry.Path + ":Args:configure", "is required by the Async sink: the list of sinks it queues events for.");
        }

        var inner = Read(configure);
        var bufferSize = args.Int("bufferSize", AsyncBufferSize);
        var blockWhenFull = args.Bool("blockWhenFull", false);
        return writeTo => writeTo.Async(inner, bufferSize, blockWhenFull);
    }

    // As the sink's own string overload: the OTEL_EXPORTER_OTLP_* variables, when set, win.
    private static Action<LoggerSinkConfiguration> OpenTelemetry(IConfigurationSection entry)
    {
        var args = new SinkArgs(entry, "OpenTelemetry", "endpoint", "protocol", "headers", "resourceAttributes", "restrictedToMinimumLevel");
        var endpoint = args.String("endpoint");
        if (endpoint is not null
            && !(Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)))
        {
            throw Error(args.Section("endpoint")!.Path, $"must be an absolute http or https URL (got '{endpoint}').");
        }

        var protocol = args.Choice<OtlpProtocol>("protocol", "an OTLP protocol");
        var headers = args.Pairs("headers", asText: true);
        var resource = args.Pairs("resourceAttributes", asText: false);
        var level = args.Level("restrictedToMinimumLevel", LevelAlias.Minimum);
        return writeTo => writeTo.OpenTelemetry(options =>
        {
            if (endpoint is not null)
            {
                options.Endpoint = endpoint;
            }

            if (protocol is { } chosen)
            {
                options.Protocol = chosen;
            }

            foreach (var (name, value) in headers ?? [])
            {
                options.Headers[name] = value;
            }

            foreach (var (name, value) in resource ?? [])
            {
                options.ResourceAttributes[name] = value;
            }

            options.RestrictedToMinimumLevel = level;
        });
    }
}
