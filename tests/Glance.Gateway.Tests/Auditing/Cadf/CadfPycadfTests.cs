using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using Glance.Gateway.Auditing.Cadf;
using Serilog.Events;

namespace Glance.Gateway.Tests.Auditing.Cadf;

/// <summary>
/// Every kind of CADF event the gateway writes (allow, deny by rule and by check, forward, error,
/// shadow, no token, service token, a candidate answering otherwise, another policy revision) against Debian's python3-pycadf and
/// python3-keystonemiddleware (cadf_rebuild.py): rebuilt with pycadf's constructors it is valid
/// and <c>as_dict()</c> gives it back, key order included; and it says what keystonemiddleware's
/// own audit middleware says of the same request, except for the two differences on purpose (no
/// credential, the policy in the reason) and what needs a service catalog (endpoint addresses) or
/// is generated anew per event (id, times, correlation id). Never skipped: the comparison is the
/// point.
/// </summary>
public sealed class CadfPycadfTests
{
    private const string Interpreter = "/usr/bin/python3";

    // The fields keystonemiddleware and the gateway must agree on, as paths into the event.
    private static readonly string[] SameAsKeystoneMiddleware =
    [
        "typeURI", "eventType", "action", "outcome", "observer", "requestPath",
        "initiator.id", "initiator.typeURI", "initiator.host", "initiator.project_id", "initiator.request_id",
        "target.id", "target.typeURI", "target.name",
        "reason.reasonType", "reason.reasonCode",
        "reporterchain.0.role", "reporterchain.0.reporter",
    ];

    // What pycadf's timestamp.get_utc_now writes (%Y-%m-%dT%H:%M:%S.%f%z in UTC).
    private const string PycadfTime = @"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}\+0000$";

    [Fact]
    public void EveryKindOfEvent_IsValidInPycadf_RebuildsToItself_AndAgreesWithKeystoneMiddleware()
    {
        var events = EdgeDecisionEvents.All.Select(kind => (Name: kind.ToString(), Event: EdgeDecisionEvents.Of(kind))).ToList();
        var revised = EdgeDecisionEvents.Of(EdgeDecisionEvents.Kind.DenyByRule);
        revised.AddOrUpdateProperty(new LogEventProperty("PolicyRevision", new ScalarValue("3f9a0c1d2e4b")));
        events.Add(("DenyByRuleWithRevision", revised));
        var cases = events.Select(e => (e.Name, Cadf: Format(e.Event), Request: Request(e.Event))).ToList();

        var results = Run(new JsonObject { ["cases"] = new JsonArray([.. cases.Select(c => new JsonObject { ["event"] = c.Cadf.DeepClone(), ["request"] = c.Request })]) })["results"]!.AsArray();

        Assert.Equal(cases.Count, results.Count);
        foreach (var ((name, cadf, _), result) in cases.Zip(results))
        {
            Assert.True(result!["valid"]!.GetValue<bool>(), $"{name}: pycadf's is_valid() is false for {cadf.ToJsonString()}");
            Assert.True(JsonNode.DeepEquals(cadf, result["rebuilt"]), $"{name}: as_dict() gave {result["rebuilt"]!.ToJsonString()}, not {cadf.ToJsonString()}");
            Assert.Equal(cadf.AsObject().Select(p => p.Key), result["keys"]!.AsArray().Select(k => k!.GetValue<string>()));
            var keystone = result["keystonemiddleware"]!;
            foreach (var field in SameAsKeystoneMiddleware)
            {
                Assert.True(JsonNode.DeepEquals(At(cadf, field), At(keystone, field)), $"{name}: {field} is {At(cadf, field)?.ToJsonString()}, keystonemiddleware's {At(keystone, field)?.ToJsonString()}");
            }

            // The same fields in the same order, but for what differs on purpose or needs a catalog.
            Assert.Equal(keystone.AsObject().Select(p => p.Key), cadf.AsObject().Select(p => p.Key));
            Assert.NotNull(At(keystone, "initiator.credential"));
            Assert.Equal(Keys(keystone, "initiator").Except(["name", "credential"]), Keys(cadf, "initiator"));
            Assert.Equal(Keys(keystone, "target").Except(["addresses"]), Keys(cadf, "target"));
            Assert.Equal(Keys(keystone, "reason"), Keys(cadf, "reason").Except(["policyType", "policyId"]));
            Assert.StartsWith("correlation_id?value=", (string?)At(keystone, "tags.0"), StringComparison.Ordinal);
            Assert.Equal("correlation_id?value=" + At(cadf, "initiator.request_id"), (string?)At(cadf, "tags.0"));
            foreach (var time in new[] { "eventTime", "reporterchain.0.reporterTime" })
            {
                Assert.Matches(PycadfTime, (string?)At(keystone, time));
                Assert.Matches(PycadfTime, (string?)At(cadf, time));
            }
        }

        var revisedCadf = cases[^1].Cadf;
        Assert.Equal(("oslo.policy", "glance:delete_member@3f9a0c1d2e4b"), ((string?)At(revisedCadf, "reason.policyType"), (string?)At(revisedCadf, "reason.policyId")));
    }

    private static IEnumerable<string> Keys(JsonNode node, string path) => At(node, path)!.AsObject().Select(p => p.Key);

    private static JsonNode Format(LogEvent logEvent)
    {
        using var writer = new StringWriter();
        new CadfAuditFormatter().Format(logEvent, writer);
        return JsonNode.Parse(writer.ToString())!;
    }

    // The request the audit event records, for keystonemiddleware to build its own event of.
    private static JsonObject Request(LogEvent logEvent)
    {
        string? Text(string name) => logEvent.Properties.TryGetValue(name, out var value) && value is ScalarValue { Value: { } v } ? v.ToString() : null;
        return new JsonObject
        {
            ["method"] = Text("Method"),
            ["path"] = Text("Path"),
            ["status"] = int.Parse(Text("Status")!, System.Globalization.CultureInfo.InvariantCulture),
            ["user_id"] = Text("UserId"),
            ["project_id"] = Text("ProjectId"),
            ["address"] = Text("ClientAddress"),
            ["agent"] = Text("UserAgent"),
            ["request_id"] = Text("RequestId"),
        };
    }

    private static JsonNode? At(JsonNode node, string path)
    {
        JsonNode? current = node;
        foreach (var part in path.Split('.'))
        {
            current = current switch
            {
                JsonObject o => o[part],
                JsonArray a when int.TryParse(part, out var i) && i < a.Count => a[i],
                _ => null,
            };
        }

        return current;
    }

    private static JsonNode Run(JsonNode input)
    {
        Assert.True(File.Exists(Interpreter), $"{Interpreter} does not exist: install Debian's python3 with python3-pycadf and python3-keystonemiddleware (scripts/test-packages.txt).");
        var script = Path.Combine(AppContext.BaseDirectory, "Auditing", "Cadf", "cadf_rebuild.py");
        Assert.True(File.Exists(script), $"{script} is missing from the test output.");
        var start = new ProcessStartInfo(Interpreter)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardInputEncoding = new UTF8Encoding(false),
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        start.ArgumentList.Add(script);
        start.Environment["PYTHONIOENCODING"] = "utf-8";
        start.Environment.Remove("PYTHONPATH");
        start.Environment.Remove("PYTHONHOME");
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {Interpreter}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.StandardInput.Write(input.ToJsonString());
        process.StandardInput.Close();
        if (!process.WaitForExit(TimeSpan.FromSeconds(120)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"cadf_rebuild.py did not finish; stderr: {stderr.Result}");
        }

        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"cadf_rebuild.py exited with {process.ExitCode}: {stderr.Result}");
        return JsonNode.Parse(stdout.Result) ?? throw new InvalidOperationException("cadf_rebuild.py printed no JSON");
    }
}
