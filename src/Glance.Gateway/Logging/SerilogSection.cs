using Glance.Gateway.Hosting;
using Serilog;
using Serilog.Events;

namespace Glance.Gateway.Logging;

/// <summary>
/// Configures a Serilog pipeline from a configuration section of the shape operators write for
/// Serilog.Settings.Configuration (<c>config/serilog.json</c>), in code and without reflection:
/// <c>MinimumLevel</c> (a level, or <c>Default</c> and <c>Override</c>), <c>WriteTo</c> (the
/// sinks of <see cref="SerilogSinks"/>), <c>Enrich</c> (<c>FromLogContext</c>), <c>Properties</c>
/// and <c>Using</c> (ignored: old files list assemblies there). Anything else stops start-up
/// with a <see cref="GatewayConfigurationException"/> naming the setting's full path: a typo is
/// never silently dropped. The whole section is read before any sink is created, so a bad
/// setting leaves no file open.
/// </summary>
public static class SerilogSection
{
    private static readonly string[] TopLevel = ["MinimumLevel", "WriteTo", "Enrich", "Properties", "Using"];

    /// <summary>
    /// Applies <paramref name="section"/> to <paramref name="logger"/>. <paramref name="ownPipelines"/>
    /// are keys of the section that configure pipelines of their own (the application log's
    /// <c>Audit</c> and <c>Access</c>) and are left alone here. A missing section changes nothing.
    /// </summary>
    public static LoggerConfiguration Configure(LoggerConfiguration logger, IConfigurationSection section, params string[] ownPipelines)
    {
        ArgumentNullException.ThrowIfNull(logger);
        foreach (var step in Read(section, ownPipelines))
        {
            step(logger);
        }

        return logger;
    }

    /// <summary>
    /// Reads <paramref name="section"/> as <see cref="Configure"/> does, creating nothing: throws
    /// the <see cref="GatewayConfigurationException"/> that <see cref="Configure"/> would.
    /// </summary>
    public static void Check(IConfigurationSection section, params string[] ownPipelines) => Read(section, ownPipelines);

    private static List<Action<LoggerConfiguration>> Read(IConfigurationSection section, string[] ownPipelines)
    {
        ArgumentNullException.ThrowIfNull(section);
        ArgumentNullException.ThrowIfNull(ownPipelines);
        var steps = new List<Action<LoggerConfiguration>>();
        foreach (var child in section.GetChildren())
        {
            if (Is(child.Key, "MinimumLevel"))
            {
                steps.Add(MinimumLevel(child));
            }
            else if (Is(child.Key, "WriteTo"))
            {
                var sinks = SerilogSinks.Read(child);
                steps.Add(configuration => sinks(configuration.WriteTo));
            }
            else if (Is(child.Key, "Enrich"))
            {
                steps.Add(Enrich(child));
            }
            else if (Is(child.Key, "Properties"))
            {
                steps.Add(Properties(child));
            }
            else if (!Is(child.Key, "Using") && !ownPipelines.Contains(child.Key, StringComparer.OrdinalIgnoreCase))
            {
                throw Error(child.Path, "is not a setting of a Serilog section; accepted: " + string.Join(", ", TopLevel.Concat(ownPipelines)) + ".");
            }
        }

        return steps;
    }

    /// <summary>
    /// A level name, case-insensitive: Verbose, Debug, Information, Warning, Error or Fatal
    /// (never a number, nor a level switch's <c>$name</c>).
    /// </summary>
    internal static LogEventLevel Level(IConfigurationSection setting) => Choice<LogEventLevel>(setting, "a level");

    /// <summary>One of <typeparamref name="TEnum"/>'s names, case-insensitive; never a number.</summary>
    internal static TEnum Choice<TEnum>(IConfigurationSection setting, string what)
        where TEnum : struct, Enum => Choice<TEnum>(Value(setting), setting.Path, what);

    private static TEnum Choice<TEnum>(string? value, string path, string what)
        where TEnum : struct, Enum
    {
        value = value?.Trim();
        foreach (var name in Enum.GetNames<TEnum>())
        {
            if (string.Equals(name, value, StringComparison.OrdinalIgnoreCase))
            {
                return Enum.Parse<TEnum>(name);
            }
        }

        throw Error(path, $"'{value}' is not {what}; accepted: {string.Join(", ", Enum.GetNames<TEnum>())}.");
    }

    /// <summary>The setting's plain value (null when it has none); a sub-section where a value belongs is refused.</summary>
    internal static string? Value(IConfigurationSection setting)
    {
        if (setting.GetChildren().Any())
        {
            throw Error(setting.Path, "must be a single value, not a section.");
        }

        return setting.Value;
    }

    /// <summary>The one-line start-up error: the setting's full path, then what is wrong and what is accepted.</summary>
    internal static GatewayConfigurationException Error(string path, string problem) => new($"{path} {problem}");

    internal static bool Is(string key, string name) => string.Equals(key, name, StringComparison.OrdinalIgnoreCase);

    // "Information", or { "Default": "Information", "Override": { "Microsoft": "Warning" } }.
    // A plain value wins over Default, as in Serilog.Settings.Configuration: it is what an
    // environment variable Serilog__MinimumLevel=Debug over the file's object form means.
    private static Action<LoggerConfiguration> MinimumLevel(IConfigurationSection section)
    {
        LogEventLevel? minimum = section.Value is null ? null : Choice<LogEventLevel>(section.Value, section.Path, "a level");
        var overrides = new List<(string Source, LogEventLevel Level)>();
        foreach (var child in section.GetChildren())
        {
            if (Is(child.Key, "Default"))
            {
                var level = Level(child);
                minimum ??= level;
            }
            else if (Is(child.Key, "Override"))
            {
                overrides.AddRange(child.GetChildren().Select(source => (source.Key, Level(source))));
            }
            else
            {
                throw Error(child.Path, "is not a setting of MinimumLevel; accepted: Default, Override.");
            }
        }

        return logger =>
        {
            if (minimum is { } level)
            {
                logger.MinimumLevel.Is(level);
            }

            foreach (var (source, sourceLevel) in overrides)
            {
                logger.MinimumLevel.Override(source, sourceLevel);
            }
        };
    }

    // [ "FromLogContext" ] or [ { "Name": "FromLogContext" } ].
    private static Action<LoggerConfiguration> Enrich(IConfigurationSection section)
    {
        foreach (var entry in section.GetChildren())
        {
            var name = entry.Value ?? entry["Name"];
            var extra = entry.GetChildren().FirstOrDefault(c => !Is(c.Key, "Name"));
            if (extra is not null)
            {
                throw Error(extra.Path, "is not a setting of an enricher; accepted: Name.");
            }

            if (!Is(name ?? "", "FromLogContext"))
            {
                throw Error(entry.Value is null ? entry.Path + ":Name" : entry.Path, $"'{name}' is not an enricher the gateway knows; accepted: FromLogContext.");
            }
        }

        return section.GetChildren().Any() ? logger => logger.Enrich.FromLogContext() : _ => { };
    }

    // { "Application": "glance-gateway" }: a constant property on every event.
    private static Action<LoggerConfiguration> Properties(IConfigurationSection section)
    {
        var properties = section.GetChildren().Select(p => (p.Key, Value(p))).ToList();
        return logger =>
        {
            foreach (var (name, value) in properties)
            {
                logger.Enrich.WithProperty(name, value);
            }
        };
    }
}
