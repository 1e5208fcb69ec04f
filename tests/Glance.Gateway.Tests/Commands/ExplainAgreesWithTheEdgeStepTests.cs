using System.Text.Json;
using Glance.Gateway.Tests.EdgePolicy;

namespace Glance.Gateway.Tests.Commands;

/// <summary>
/// <c>policy explain --request-line</c> against the edge step itself: every row of
/// <see cref="EdgeDecisionStepTests.Cases"/> (one refusal and one allow per registered operation,
/// decided there by the step on a routed <c>HttpContext</c>), given to the command as files
/// holding the same facts, must get the status the step answered.
/// </summary>
public sealed class ExplainAgreesWithTheEdgeStepTests : IDisposable
{
    // The facts EdgeDecisionStepTests decides over: its owner, member and admin projects, and namespace.
    private const string ImageId = "0f1e2d3c-4b5a-4697-8877-665544332211";
    private const string Owner = "project-a";
    private const string Member = "project-b";
    private const string AdminProject = "admin-project";
    private const string Namespace = "OS::Test::Ns";

    private static readonly string[] AdminRoles = ["admin", "member", "reader"];
    private static readonly string[] MemberRoles = ["member", "reader"];

    private readonly CommandRun _run = new();

    public void Dispose() => _run.Dispose();

    [Theory]
    [MemberData(nameof(EdgeDecisionStepTests.Cases), MemberType = typeof(EdgeDecisionStepTests))]
    public async Task Explain_EveryEdgeStepRow_AnswersTheStepsStatus(
        string operation, string method, string path, string? body, string? contentType, string project, string visibility, int status, string? words)
    {
        var caller = _run.Write("caller.json", JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["user_id"] = "user-" + project,
            ["project_id"] = project,
            ["roles"] = project == AdminProject ? AdminRoles : MemberRoles,
        }));
        var image = _run.Write("image.json", $$"""{"id": "{{ImageId}}", "visibility": "{{visibility}}", "owner": "{{Owner}}", "status": "active", "members": ["{{Member}}"]}""");
        var ns = _run.Write("namespace.json", path.Contains("/namespaces/" + Namespace, StringComparison.Ordinal)
            ? $$"""{"namespace": "{{Namespace}}", "owner": "{{Owner}}", "visibility": "{{visibility}}", "protected": false}"""
            : "null");
        var policy = _run.Write("legacy.yaml", "{}\n");
        List<string> args =
        [
            "policy", "explain", "--request-line", method + " " + path.Replace("{id}", ImageId, StringComparison.Ordinal),
            "--caller", caller, "--image", image, "--namespace", ns, "--policy", policy, "--json",
        ];
        if (body is not null)
        {
            args.AddRange(["--request", _run.Write("body", body)]);
        }

        if (contentType is not null)
        {
            args.AddRange(["--content-type", contentType]);
        }

        var (exit, output, error) = await CommandRun.RunAsync([.. args]);

        Assert.True(exit == 0, error);
        using var document = JsonDocument.Parse(output);
        Assert.Equal(operation, document.RootElement.GetProperty("operation").GetString());
        var decision = document.RootElement.GetProperty("decisions")[0];
        var answered = decision.GetProperty("status");
        Assert.Equal(status, answered.ValueKind == JsonValueKind.Null ? 0 : answered.GetInt32());
        if (status != 0 && words is not null)
        {
            Assert.Contains(words, decision.GetProperty("body").GetString(), StringComparison.Ordinal);
        }
    }
}
