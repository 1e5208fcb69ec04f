using System.Globalization;
using System.Text.Json;
using Glance.Gateway.Auditing.Cadf;
using Glance.Gateway.Logging;
using Serilog.Events;
using Serilog.Parsing;
using Kind = Glance.Gateway.Tests.Auditing.Cadf.EdgeDecisionEvents.Kind;

namespace Glance.Gateway.Tests.Auditing.Cadf;

/// <summary>
/// <see cref="CadfAuditFormatter"/> over the audit events the gateway writes
/// (<see cref="EdgeDecisionEvents"/>): one CADF event a line, shaped as keystonemiddleware's audit
/// middleware builds it, with no credential and with the policy that decided in its reason.
/// </summary>
public sealed class CadfAuditFormatterTests
{
    private static readonly string TargetImage = "service/storage/image/images/image";

    [Fact]
    public void Allow_IsOneCadfActivityLine_InKeystoneMiddlewaresShape()
    {
        var logEvent = EdgeDecisionEvents.Of(Kind.Allow);

        var line = Format(logEvent);

        Assert.EndsWith("}\n", line, StringComparison.Ordinal);
        Assert.Single(line.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        var cadf = JsonDocument.Parse(line).RootElement;
        Assert.Equal(
            ["typeURI", "eventType", "id", "eventTime", "action", "outcome", "observer", "initiator", "target", "requestPath", "tags", "reason", "reporterchain"],
            cadf.EnumerateObject().Select(p => p.Name));
        Assert.Equal("http://schemas.dmtf.org/cloud/audit/1.0/event", cadf.GetProperty("typeURI").GetString());
        Assert.Equal("activity", cadf.GetProperty("eventType").GetString());
        Assert.True(Guid.TryParseExact(cadf.GetProperty("id").GetString(), "D", out _), cadf.GetProperty("id").GetString());
        Assert.Equal(Pycadf(logEvent.Timestamp), cadf.GetProperty("eventTime").GetString());
        Assert.Contains($"\"eventTime\":\"{Pycadf(logEvent.Timestamp)}\"", line, StringComparison.Ordinal);
        Assert.Equal(("read", "success"), (cadf.GetProperty("action").GetString(), cadf.GetProperty("outcome").GetString()));
        Assert.Equal("""{"id":"target"}""", cadf.GetProperty("observer").GetRawText());
        var initiator = cadf.GetProperty("initiator");
        Assert.Equal(("owner-user", "service/security/account/user", "project-a", "req-allow"), (S(initiator, "id"), S(initiator, "typeURI"), S(initiator, "project_id"), S(initiator, "request_id")));
        Assert.Equal(("192.0.2.10", "python-glanceclient/4.7.0"), (S(initiator.GetProperty("host"), "address"), S(initiator.GetProperty("host"), "agent")));
        var target = cadf.GetProperty("target");
        Assert.Equal(("glance", TargetImage, "glance"), (S(target, "id"), S(target, "typeURI"), S(target, "name")));
        Assert.Equal($"/v2/images/{EdgeDecisionEvents.ImageId}", cadf.GetProperty("requestPath").GetString());
        Assert.Equal(("HTTP", "200", "oslo.policy", $"glance:get_image@{Revision(logEvent)}"), Reason(cadf));
        var step = Assert.Single(cadf.GetProperty("reporterchain").EnumerateArray());
        Assert.Equal(("modifier", cadf.GetProperty("eventTime").GetString(), """{"id":"target"}"""), (S(step, "role"), S(step, "reporterTime"), step.GetProperty("reporter").GetRawText()));
        Assert.Contains("correlation_id?value=req-allow", Tags(cadf));
        Assert.Contains("operation?value=get_image", Tags(cadf));
        Assert.Contains("decision?value=allow", Tags(cadf));
    }

    [Fact]
    public void DenyByRule_IsAFailure_NamingTheRuleAndTheMemberTarget()
    {
        var cadf = Cadf(Kind.DenyByRule);

        Assert.Equal(("delete", "failure"), (cadf.GetProperty("action").GetString(), cadf.GetProperty("outcome").GetString()));
        Assert.Equal(("HTTP", "403", "oslo.policy"), (Reason(cadf).Item1, Reason(cadf).Item2, Reason(cadf).Item3));
        Assert.StartsWith("glance:delete_member@", Reason(cadf).Item4, StringComparison.Ordinal);
        Assert.Equal(TargetImage + "/members/member", cadf.GetProperty("target").GetProperty("typeURI").GetString());
        Assert.Contains("conformance_row?value=10", Tags(cadf));
        Assert.Contains("rule_name?value=PolicyRefused", Tags(cadf));
    }

    [Fact]
    public void DenyByCodedCheck_NamesNoPolicy_TheCheckIsATag()
    {
        var cadf = Cadf(Kind.DenyByCheck);

        Assert.Equal(("HTTP", "404", null, null), Reason(cadf));
        Assert.Equal("failure", cadf.GetProperty("outcome").GetString());
        Assert.Contains("rule_name?value=ImageNotFound", Tags(cadf));
    }

    [Fact]
    public void Forward_IsTheBackendsOutcome_WithKeystoneMiddlewaresActionForAFile()
    {
        var cadf = Cadf(Kind.Forward);

        // 'file' is a path keyword of Glance's audit map, so keystonemiddleware lists a download.
        Assert.Equal(("read/list", "success"), (cadf.GetProperty("action").GetString(), cadf.GetProperty("outcome").GetString()));
        Assert.Equal(TargetImage + "/file", cadf.GetProperty("target").GetProperty("typeURI").GetString());
        Assert.Equal(("HTTP", "200", null, null), Reason(cadf));
        Assert.Contains("decision?value=forward", Tags(cadf));
        Assert.Contains("edge_mode?value=Off", Tags(cadf));
        Assert.Contains("backend_status?value=200", Tags(cadf));
    }

    [Fact]
    public void Error_IsAFailureWithItsStatus_AndNoPolicy()
    {
        var cadf = Cadf(Kind.Error);

        Assert.Equal(("delete", "failure"), (cadf.GetProperty("action").GetString(), cadf.GetProperty("outcome").GetString()));
        Assert.Equal(("HTTP", "503", null, null), Reason(cadf));
        Assert.Contains("decision?value=error", Tags(cadf));
    }

    [Fact]
    public void Shadow_NamesThePredictionsRuleOnlyWhenTheBackendAgreed()
    {
        var agrees = Cadf(Kind.ShadowAgrees);
        var disagrees = Cadf(Kind.ShadowDisagrees);

        Assert.StartsWith("glance:get_image@", Reason(agrees).Item4, StringComparison.Ordinal);
        Assert.Contains("disagreement?value=false", Tags(agrees));
        Assert.Equal(("HTTP", "204", null, null), Reason(disagrees));
        Assert.Equal("success", disagrees.GetProperty("outcome").GetString());
        Assert.Contains("edge_mode?value=Shadow", Tags(disagrees));
        Assert.Contains("predicted_status?value=403", Tags(disagrees));
        Assert.Contains("disagreement?value=true", Tags(disagrees));
    }

    [Fact]
    public void NoToken_InitiatorIsUnknown_AsKeystoneMiddlewareWritesIt()
    {
        var initiator = Cadf(Kind.NoToken).GetProperty("initiator");

        Assert.Equal(("unknown", "unknown"), (S(initiator, "id"), S(initiator, "project_id")));
    }

    [Fact]
    public void ServiceToken_ItsUserIsATag()
    {
        var cadf = Cadf(Kind.ServiceToken);

        Assert.Equal("create", cadf.GetProperty("action").GetString());
        Assert.Contains("service_user_id?value=nova-user", Tags(cadf));
        Assert.Equal("owner-user", cadf.GetProperty("initiator").GetProperty("id").GetString());
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void NoEvent_HasACredentialOrAToken(Kind kind)
    {
        var line = Format(EdgeDecisionEvents.Of(kind));

        Assert.DoesNotContain("credential", line, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(Keys(JsonDocument.Parse(line).RootElement), key => key.Contains("token", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain("identity_status", line, StringComparison.Ordinal);
    }

    [Fact]
    public void ReplayRecord_OfTheAuditEvent_IsNotWritten()
    {
        var logEvent = EdgeDecisionEvents.Of(Kind.Allow);

        var cadf = JsonDocument.Parse(Format(logEvent)).RootElement;

        Assert.True(logEvent.Properties.ContainsKey("Record"), "the audit event has no Record to leave out");
        Assert.DoesNotContain(Keys(cadf), key => key is "Record" or "Credentials" or "roles" or "user_domain_id" or "is_admin_project" or "Target" or "Request");
        Assert.DoesNotContain("is_admin_project", Format(logEvent), StringComparison.Ordinal);
    }

    [Fact]
    public void PolicyRevision_OfTheEvent_FollowsTheRuleInPolicyId()
    {
        var logEvent = EdgeDecisionEvents.Of(Kind.DenyByRule);
        var revision = Revision(logEvent);

        var cadf = JsonDocument.Parse(Format(logEvent)).RootElement;

        Assert.False(string.IsNullOrEmpty(revision), "the audit event has no PolicyRevision");

        Assert.Equal($"glance:delete_member@{revision}", cadf.GetProperty("reason").GetProperty("policyId").GetString());
        Assert.Contains($"policy_revision?value={revision}", Tags(cadf));
    }

    [Fact]
    public void PolicyRevision_WhenAbsent_IsLeftOutOfPolicyId()
    {
        var logEvent = EdgeDecisionEvents.Of(Kind.DenyByRule);
        logEvent.RemovePropertyIfPresent("PolicyRevision");

        var cadf = JsonDocument.Parse(Format(logEvent)).RootElement;

        Assert.DoesNotContain('@', cadf.GetProperty("reason").GetProperty("policyId").GetString()!);
        Assert.DoesNotContain(Tags(cadf), t => t.StartsWith("policy_revision", StringComparison.Ordinal));
    }

    [Fact]
    public void PolicyRevision_OfAnotherRuleSet_IsTheOneWritten()
    {
        var logEvent = EdgeDecisionEvents.Of(Kind.DenyByRule);
        var revision = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray())[..12];
        logEvent.AddOrUpdateProperty(new LogEventProperty("PolicyRevision", new ScalarValue(revision)));

        var cadf = JsonDocument.Parse(Format(logEvent)).RootElement;

        Assert.Equal($"glance:delete_member@{revision}", cadf.GetProperty("reason").GetProperty("policyId").GetString());
    }

    [Fact]
    public void CandidateAnsweringOtherwise_IsInTags_TheLiveRuleInTheReason()
    {
        var logEvent = EdgeDecisionEvents.Of(Kind.CandidateDiffers);
        var candidateRevision = ((ScalarValue)logEvent.Properties["CandidateRevision"]).Value as string;

        var cadf = JsonDocument.Parse(Format(logEvent)).RootElement;

        Assert.False(string.IsNullOrEmpty(candidateRevision), "the audit event has no CandidateRevision");
        Assert.NotEqual(Revision(logEvent), candidateRevision);
        Assert.Equal(("HTTP", "200", "oslo.policy", $"glance:get_image@{Revision(logEvent)}"), Reason(cadf));
        Assert.Contains("candidate_decision?value=deny", Tags(cadf));
        Assert.Contains("candidate_status?value=404", Tags(cadf));
        Assert.Contains("candidate_rule?value=get_image", Tags(cadf));
        Assert.Contains($"candidate_revision?value={candidateRevision}", Tags(cadf));
    }

    [Fact]
    public void EachEvent_HasItsOwnId()
    {
        var logEvent = EdgeDecisionEvents.Of(Kind.Allow);

        Assert.NotEqual(JsonDocument.Parse(Format(logEvent)).RootElement.GetProperty("id").GetString(), JsonDocument.Parse(Format(logEvent)).RootElement.GetProperty("id").GetString());
    }

    [Fact]
    public void AnotherEvent_IsNotWritten()
    {
        var other = new LogEvent(
            DateTimeOffset.UnixEpoch,
            LogEventLevel.Information,
            exception: null,
            new MessageTemplateParser().Parse("Something else {Operation} {Decision} {Status}"),
            [
                new LogEventProperty("EventId", new StructureValue([new LogEventProperty("Id", new ScalarValue(9100)), new LogEventProperty("Name", new ScalarValue("HttpRequest"))])),
                new LogEventProperty("Operation", new ScalarValue("get_image")),
                new LogEventProperty("Decision", new ScalarValue("allow")),
                new LogEventProperty("Status", new ScalarValue(200)),
            ]);

        Assert.Equal(string.Empty, Format(other));
    }

    [Fact]
    public void HostileUserAgent_StaysInsideItsString_OnOneLine()
    {
        const string agent = "evil\"}\n{\"outcome\":\"success\"} \u2028 \\";
        var logEvent = EdgeDecisionEvents.Of(Kind.DenyByRule);
        logEvent.AddOrUpdateProperty(new LogEventProperty("UserAgent", new ScalarValue(agent)));

        var line = Format(logEvent);

        Assert.Single(line.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.DoesNotContain('\u2028', line);
        var cadf = JsonDocument.Parse(line).RootElement;
        Assert.Equal(agent, cadf.GetProperty("initiator").GetProperty("host").GetProperty("agent").GetString());
        Assert.Equal("failure", cadf.GetProperty("outcome").GetString());
    }

    [Theory]
    [InlineData("Glance.Gateway.Auditing.Cadf.CadfAuditFormatter, Glance.Gateway")]
    [InlineData("Glance.Gateway.Auditing.Cadf.CadfAuditFormatter")]
    public void Formatter_IsResolvedFromItsNameInTheSerilogSection(string name)
    {
        var create = SerilogFormatters.Find(name);

        Assert.NotNull(create);
        Assert.IsType<CadfAuditFormatter>(create());
    }

    public static TheoryData<Kind> Kinds() => [.. EdgeDecisionEvents.All];

    // pycadf's timestamp.get_utc_now: %Y-%m-%dT%H:%M:%S.%f%z of a UTC time.
    private static string Pycadf(DateTimeOffset time) =>
        string.Create(CultureInfo.InvariantCulture, $"{time.UtcDateTime:yyyy-MM-dd}T{time.UtcDateTime:HH:mm:ss}.{time.UtcDateTime.Ticks % TimeSpan.TicksPerSecond / 10:D6}+0000");

    private static string? Revision(LogEvent logEvent) =>
        logEvent.Properties.TryGetValue("PolicyRevision", out var value) && value is ScalarValue { Value: string revision } ? revision : null;

    private static JsonElement Cadf(Kind kind) => JsonDocument.Parse(Format(EdgeDecisionEvents.Of(kind))).RootElement;

    private static string Format(LogEvent logEvent)
    {
        using var writer = new StringWriter();
        new CadfAuditFormatter().Format(logEvent, writer);
        return writer.ToString();
    }

    private static string? S(JsonElement element, string name) => element.TryGetProperty(name, out var value) ? value.GetString() : null;

    private static (string?, string?, string?, string?) Reason(JsonElement cadf)
    {
        var reason = cadf.GetProperty("reason");
        return (S(reason, "reasonType"), S(reason, "reasonCode"), S(reason, "policyType"), S(reason, "policyId"));
    }

    private static List<string> Tags(JsonElement cadf) => [.. cadf.GetProperty("tags").EnumerateArray().Select(t => t.GetString()!)];

    private static IEnumerable<string> Keys(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => element.EnumerateObject().SelectMany(p => Keys(p.Value).Prepend(p.Name)),
        JsonValueKind.Array => element.EnumerateArray().SelectMany(Keys),
        _ => [],
    };
}
