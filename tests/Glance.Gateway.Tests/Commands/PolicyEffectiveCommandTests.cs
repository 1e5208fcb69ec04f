using System.Text.Json;
using Glance.Policy.Rules;

namespace Glance.Gateway.Tests.Commands;

/// <summary>
/// <c>policy effective</c>: the rules as they decide, as a policy file; read back (in any mode, since
/// a file rule replaces the default and its deprecated rule) it compiles to the same rules.
/// </summary>
public sealed class PolicyEffectiveCommandTests : IDisposable
{
    private readonly CommandRun _run = new();

    public void Dispose() => _run.Dispose();

    [Fact]
    public async Task Effective_LegacyDefaults_WritesEachNewDefaultJoinedWithItsDeprecatedRule()
    {
        var empty = _run.Write("empty.yaml", "{}\n");

        var (exit, output, _) = await CommandRun.RunAsync("policy", "effective", "--policy", empty);

        Assert.Equal(0, exit);
        Assert.Contains("\"delete_image\": \"((role:admin or (role:member and project_id:%(project_id)s)) or rule:default)\"", output, StringComparison.Ordinal);
        Assert.Contains("\"publicize_image\": \"role:admin\"", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, true)]
    public async Task Effective_ReadBackInEitherMode_CompilesToTheSameRules(bool enforceNewDefaults, bool enforceScope)
    {
        var file = _run.Write("policy.yaml", "get_image: \"rule:image_readers\"\nimage_readers: \"role:reader or role:auditor\"\nmodify_image: \"role:admin\"\n");
        string[] mode = [.. enforceNewDefaults ? new[] { "--enforce-new-defaults" } : [], .. enforceScope ? new[] { "--enforce-scope" } : []];

        var (exit, output, _) = await CommandRun.RunAsync(["policy", "effective", "--policy", file, .. mode]);

        Assert.Equal(0, exit);
        var original = PolicyRules.Build(new PolicyMode(enforceNewDefaults, enforceScope), PolicyFile.Parse(File.ReadAllText(file)), file);
        foreach (var readBackMode in new[] { PolicyMode.Legacy, PolicyMode.Secure })
        {
            var readBack = PolicyRules.Build(readBackMode, PolicyFile.Parse(output), "effective");
            Assert.Equal(original.Names.Order(), readBack.Names.Order());
            Assert.All(original.Names, name => Assert.Equal(original.Describe(name), readBack.Describe(name)));
        }
    }

    [Fact]
    public async Task Effective_Json_SaysWhereEachRuleComesFrom()
    {
        var file = _run.Write("policy.yaml", "modify_image: \"role:admin\"\n");

        var (exit, output, _) = await CommandRun.RunAsync("policy", "effective", "--policy", file, "--json");

        Assert.Equal(0, exit);
        using var document = JsonDocument.Parse(output);
        var rules = document.RootElement.GetProperty("rules");
        Assert.Equal("from the file (replaces Glance's default)", rules.GetProperty("modify_image").GetProperty("origin").GetString());
        Assert.StartsWith("Glance's default joined", rules.GetProperty("get_image").GetProperty("origin").GetString(), StringComparison.Ordinal);
        Assert.Equal(["project"], rules.GetProperty("get_image").GetProperty("scope_types").EnumerateArray().Select(s => s.GetString()));
    }

    [Fact]
    public async Task Effective_CandidateOnlyWithoutCandidate_ExitsTwo()
    {
        var empty = _run.Write("empty.yaml", "{}\n");

        var (exit, _, error) = await CommandRun.RunAsync("policy", "effective", "--policy", empty, "--candidate-only");

        Assert.Equal(2, exit);
        Assert.Contains("no candidate", error, StringComparison.Ordinal);
    }
}
