using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;

namespace Glance.Gateway.Tests.Hosting;

/// <summary>Every log event of the gateway, the store and the shared library has an id of its own, listed in the README.</summary>
public sealed partial class EventIdTests
{
    private static readonly Assembly[] Products =
    [
        typeof(Program).Assembly,
        typeof(Glance.ImageStore.ImageStoreApplication).Assembly,
        typeof(Glance.Policy.Errors.GlanceErrorWriter).Assembly,
    ];

    [Fact]
    public void EveryLogEvent_HasAnIdNoOtherEventHas()
    {
        var events = LogEvents();
        Assert.NotEmpty(events);
        Assert.All(events, e => Assert.True(e.Id > 0, $"{e.Where} has no event id"));
        var shared = events.GroupBy(e => e.Id).Where(g => g.Count() > 1)
            .Select(g => $"{g.Key}: {string.Join(", ", g.Select(e => e.Where))}").ToList();
        Assert.True(shared.Count == 0, "event ids used more than once:\n" + string.Join('\n', shared));
    }

    [Fact]
    public void EveryLogEventId_IsListedInTheReadme()
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryRoot(), "README.md"));
        var listed = ReadmeRow().Matches(readme).Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToHashSet();
        var missing = LogEvents().Where(e => !listed.Contains(e.Id)).Select(e => $"{e.Id} ({e.Where})").ToList();
        Assert.True(missing.Count == 0, "event ids missing from the README's table:\n" + string.Join('\n', missing));
        var stale = listed.Except(LogEvents().Select(e => e.Id)).ToList();
        Assert.True(stale.Count == 0, "the README lists event ids no code logs: " + string.Join(", ", stale));
    }

    // The LoggerMessage events, and the access log's event, which Serilog's request logging writes.
    private static List<(int Id, string Where)> LogEvents() =>
        [.. LoggerMessages(), (Glance.Gateway.AccessLog.AccessLogEvent.EventId, typeof(Glance.Gateway.AccessLog.AccessLogEvent).FullName!)];

    private static List<(int Id, string Where)> LoggerMessages() =>
        Products.SelectMany(a => a.GetTypes())
            .SelectMany(t => t.GetMethods(BindingFlags.Static | BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            .Select(m => (Method: m, Attribute: m.GetCustomAttribute<LoggerMessageAttribute>()))
            .Where(x => x.Attribute is not null)
            .Select(x => (x.Attribute!.EventId, $"{x.Method.DeclaringType!.FullName}.{x.Method.Name}"))
            .ToList();

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Glance.Gateway.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("no Glance.Gateway.sln above " + AppContext.BaseDirectory);
    }

    // A row of the README's event table: "| 1201 | ...".
    [GeneratedRegex(@"^\|\s*(\d{3,5})\s*\|", RegexOptions.Multiline)]
    private static partial Regex ReadmeRow();
}
