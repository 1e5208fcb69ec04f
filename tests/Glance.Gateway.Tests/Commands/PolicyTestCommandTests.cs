using System.Text.Json;

namespace Glance.Gateway.Tests.Commands;

/// <summary><c>policy test FILE</c>: an operator's table run against the policies given; failures listed; exit 1 on any.</summary>
public sealed class PolicyTestCommandTests : IDisposable
{
    private const string Table = """
        callers:
          owner:  {user_id: u-a, project_id: project-a, roles: [member, reader]}
          reader: {user_id: u-b, project_id: project-b, roles: [reader]}
        images:
          shared: {id: 6f1c3c34-1f45-4a4b-9d55-0d3c9ea4c8a1, visibility: shared, owner: project-a, members: [project-b]}
        cases:
          - name: the owner deletes its image
            operation: delete_image
            caller: owner
            image: shared
            expect: allowed
          - name: a reader of a member project cannot remove the member
            operation: delete_member
            caller: reader
            image: shared
            member: project-b
            expect: 403
          - name: the same, as the access log shows the request
            request_line: DELETE /v2/images/6f1c3c34-1f45-4a4b-9d55-0d3c9ea4c8a1/members/project-b
            caller: reader
            image: shared
            expect: 403
          - name: nobody sees an image that does not exist
            operation: get_image
            caller: owner
            image: null
            expect: 404
        """;

    private readonly CommandRun _run = new();
    private readonly string _secure;

    public PolicyTestCommandTests() => _secure = _run.Write("secure.yaml", "{}\n");

    public void Dispose() => _run.Dispose();

    [Fact]
    public async Task Test_TableThatHoldsInSecureMode_ExitsZero()
    {
        var table = _run.Write("table.yaml", Table);

        var (exit, output, error) = await CommandRun.RunAsync("policy", "test", table, "--policy", _secure, "--enforce-new-defaults", "--enforce-scope");

        Assert.True(exit == 0, output + error);
        Assert.StartsWith("4 cases × 1 policies: 4 passed, 0 failed", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Test_CandidateThatBreaksACase_ExitsOneListingIt()
    {
        var table = _run.Write("table.yaml", Table);
        var candidate = _run.Write("candidate.yaml", "delete_image: \"role:admin\"\n");

        var (exit, output, _) = await CommandRun.RunAsync(
            "policy", "test", table, "--policy", _secure, "--enforce-new-defaults", "--candidate", candidate, "--candidate-enforce-new-defaults");

        Assert.Equal(1, exit);
        var failure = Assert.Single(output.Split('\n'), l => l.StartsWith("FAIL ", StringComparison.Ordinal));
        Assert.StartsWith("FAIL the owner deletes its image [candidate]: delete_image expected allowed, got 403 Forbidden", failure, StringComparison.Ordinal);
        Assert.Contains("failed: role:admin", failure, StringComparison.Ordinal);
        Assert.Contains("7 passed, 1 failed", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Test_ExpectCandidate_IsWhatTheCandidateIsHeldTo()
    {
        var table = _run.Write("table.json", """
            {"cases": [{"name": "legacy lets a member project's reader see the members", "operation": "get_members",
              "caller": {"user_id": "u", "project_id": "project-b", "roles": ["reader"]},
              "image": {"id": "6f1c3c34-1f45-4a4b-9d55-0d3c9ea4c8a1", "visibility": "shared", "owner": "project-a", "members": ["project-b"]},
              "expect": "allowed", "expect_candidate": "allowed"},
             {"name": "no role at all", "operation": "get_image",
              "caller": {"user_id": "u", "project_id": "project-b", "roles": []},
              "image": {"id": "6f1c3c34-1f45-4a4b-9d55-0d3c9ea4c8a1", "visibility": "shared", "owner": "project-a", "members": ["project-b"]},
              "expect": "allowed", "expect_candidate": 404}]}
            """);

        var (exit, output, error) = await CommandRun.RunAsync(
            "policy", "test", table, "--config", _run.Config, "--candidate", _secure, "--candidate-enforce-new-defaults", "--json");

        Assert.True(exit == 0, output + error);
        using var document = JsonDocument.Parse(output);
        Assert.Equal(4, document.RootElement.GetProperty("passed").GetInt32());
        Assert.Equal(0, document.RootElement.GetProperty("failed").GetInt32());
    }

    [Fact]
    public async Task Test_WrongExpectation_ExitsOne()
    {
        var table = _run.Write("table.yaml", Table.Replace("expect: 404", "expect: 403", StringComparison.Ordinal));

        var (exit, output, _) = await CommandRun.RunAsync("policy", "test", table, "--policy", _secure, "--enforce-new-defaults");

        Assert.Equal(1, exit);
        Assert.Contains("FAIL nobody sees an image that does not exist [live]: get_image expected 403, got 404 Not Found", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Test_CaseNamingAnUnknownCaller_ExitsTwo()
    {
        var table = _run.Write("table.yaml", Table.Replace("caller: owner", "caller: ownr", StringComparison.Ordinal));

        var (exit, _, error) = await CommandRun.RunAsync("policy", "test", table, "--policy", _secure);

        Assert.Equal(2, exit);
        Assert.Contains("no caller named 'ownr'", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Test_TableNeitherJsonNorYaml_ExitsTwo()
    {
        var table = _run.Write("table.yaml", "cases: [unclosed\n - : :");

        var (exit, _, error) = await CommandRun.RunAsync("policy", "test", table, "--policy", _secure);

        Assert.Equal(2, exit);
        Assert.Contains("neither JSON nor YAML", error, StringComparison.Ordinal);
    }
}
