using System.Globalization;
using Serilog.Events;
using Serilog.Formatting;
using static Glance.Gateway.Logging.SerilogSection;

namespace Glance.Gateway.Logging;

/// <summary>
/// The <c>Args</c> of one sink entry: only the keys the sink accepts (any other is an error
/// naming its path and the accepted ones), each read from its string with the invariant culture.
/// A key that is absent takes the sink's default; a key that is present must have a value that
/// parses, except where "none" is a value (<see cref="OptionalLong"/>, <see cref="OptionalInt"/>):
/// there an empty value or <c>null</c> means none.
/// </summary>
internal sealed class SinkArgs
{
    private readonly Dictionary<string, IConfigurationSection> _given = new(StringComparer.OrdinalIgnoreCase);
    private readonly string _path;

    public SinkArgs(IConfigurationSection entry, string sink, params string[] accepted)
    {
        var args = entry.GetSection("Args");
        _path = args.Path;
        if (!string.IsNullOrEmpty(args.Value) && !args.GetChildren().Any())
        {
            throw Error(args.Path, $"must be a section of the {sink} sink's settings, not a value.");
        }

        foreach (var child in args.GetChildren())
        {
            if (!accepted.Contains(child.Key, StringComparer.OrdinalIgnoreCase))
            {
                throw Error(child.Path, $"is not a setting of the {sink} sink; accepted: {string.Join(", ", accepted)}.");
            }

            _given[child.Key] = child;
        }
    }

    /// <summary>The setting, when given.</summary>
    public IConfigurationSection? Section(string key) => _given.GetValueOrDefault(key);

    /// <summary>A string; null when absent.</summary>
    public string? String(string key) => Section(key) is { } setting ? Present(setting) : null;

    /// <summary>A string that must be given and not blank.</summary>
    public string Required(string key, string sink, string purpose)
    {
        var value = String(key);
        if (string.IsNullOrWhiteSpace(value))
        {
            throw Error(Path(key), $"is required by the {sink} sink: {purpose}.");
        }

        return value;
    }

    /// <summary><c>true</c> or <c>false</c>.</summary>
    public bool Bool(string key, bool fallback)
    {
        if (Section(key) is not { } setting)
        {
            return fallback;
        }

        var value = Present(setting);
        return bool.TryParse(value, out var parsed) ? parsed : throw Error(setting.Path, $"must be true or false (got '{value}').");
    }

    /// <summary>A whole number of at least 1.</summary>
    public int Int(string key, int fallback) =>
        Section(key) is { } setting ? (int)ParsePositive(setting, Present(setting), int.MaxValue) : fallback;

    /// <summary>A whole number of at least 1, or none (empty or <c>null</c>).</summary>
    public int? OptionalInt(string key, int? fallback) =>
        Section(key) is not { } setting ? fallback : IsNone(setting) ? null : (int)ParsePositive(setting, setting.Value!, int.MaxValue);

    /// <summary>A whole number of at least 1, or none (empty or <c>null</c>).</summary>
    public long? OptionalLong(string key, long? fallback) =>
        Section(key) is not { } setting ? fallback : IsNone(setting) ? null : ParsePositive(setting, setting.Value!, long.MaxValue);

    /// <summary>A positive <see cref="TimeSpan"/> (<c>00:00:05</c>, <c>30.00:00:00</c>); null when absent.</summary>
    public TimeSpan? Duration(string key)
    {
        if (Section(key) is not { } setting)
        {
            return null;
        }

        var value = Present(setting);
        return TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out var parsed) && parsed > TimeSpan.Zero
            ? parsed
            : throw Error(setting.Path, $"must be a positive time span such as 00:00:05 or 30.00:00:00 (got '{value}').");
    }

    /// <summary>A level (see <see cref="SerilogSection.Level"/>).</summary>
    public LogEventLevel Level(string key, LogEventLevel fallback) =>
        Section(key) is { } setting ? SerilogSection.Level(Checked(setting)) : fallback;

    /// <summary>A level, or null when absent.</summary>
    public LogEventLevel? OptionalLevel(string key) =>
        Section(key) is { } setting ? SerilogSection.Level(Checked(setting)) : null;

    /// <summary>One of <typeparamref name="TEnum"/>'s names, or null when absent.</summary>
    public TEnum? Choice<TEnum>(string key, string what)
        where TEnum : struct, Enum =>
        Section(key) is { } setting ? SerilogSection.Choice<TEnum>(Checked(setting), what) : null;

    /// <summary>A formatter of <see cref="SerilogFormatters"/>, or null when absent.</summary>
    public Func<ITextFormatter>? Formatter(string key)
    {
        if (Section(key) is not { } setting)
        {
            return null;
        }

        var name = Present(setting);
        return SerilogFormatters.Find(name)
            ?? throw Error(setting.Path, $"'{name}' is not a formatter the gateway knows; accepted: {string.Join(", ", SerilogFormatters.Names)} (each with or without its assembly name after a comma).");
    }

    /// <summary>Name → value pairs from a sub-section or, when <paramref name="asText"/>, also from <c>k=v,k2=v2</c>; null when absent.</summary>
    public Dictionary<string, string>? Pairs(string key, bool asText)
    {
        if (Section(key) is not { } setting)
        {
            return null;
        }

        var pairs = new Dictionary<string, string>(StringComparer.Ordinal);
        if (setting.GetChildren().Any())
        {
            foreach (var pair in setting.GetChildren())
            {
                pairs[pair.Key] = Present(pair);
            }

            return pairs;
        }

        if (!asText || string.IsNullOrWhiteSpace(setting.Value))
        {
            throw Error(setting.Path, asText ? "must be a section of name: value pairs, or name=value,name2=value2." : "must be a section of name: value pairs.");
        }

        foreach (var item in setting.Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = item.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw Error(setting.Path, $"must be name=value pairs separated by commas (got '{item}').");
            }

            pairs[item[..equals].Trim()] = item[(equals + 1)..].Trim();
        }

        return pairs;
    }

    /// <summary>Refuses <paramref name="first"/> and <paramref name="second"/> together.</summary>
    public void NotBoth(string first, string second, string sink)
    {
        if (Section(first) is not null && Section(second) is { } setting)
        {
            throw Error(setting.Path, $"cannot be set with {first}: the {sink} sink takes one or the other.");
        }
    }

    private string Path(string key) => _given.TryGetValue(key, out var setting) ? setting.Path : _path + ":" + key;

    private static IConfigurationSection Checked(IConfigurationSection setting)
    {
        Present(setting);
        return setting;
    }

    // A key that is given must carry a value (JSON null or a sub-section are refused).
    private static string Present(IConfigurationSection setting) =>
        Value(setting) ?? throw Error(setting.Path, "has no value.");

    private static bool IsNone(IConfigurationSection setting)
    {
        var value = Value(setting);
        return string.IsNullOrWhiteSpace(value) || string.Equals(value.Trim(), "null", StringComparison.OrdinalIgnoreCase);
    }

    private static long ParsePositive(IConfigurationSection setting, string value, long max) =>
        long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) && parsed >= 1 && parsed <= max
            ? parsed
            : throw Error(setting.Path, $"must be a whole number from 1 to {max.ToString(CultureInfo.InvariantCulture)} (got '{value}').");
}
