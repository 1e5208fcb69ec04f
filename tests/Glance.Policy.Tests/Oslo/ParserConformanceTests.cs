using System.Text.Json.Nodes;
using Glance.Policy.Language;

namespace Glance.Policy.Tests.Oslo;

/// <summary>
/// Our parser against oslo.policy's own: for hand-written and seeded random check strings (and
/// list-of-lists rules), <see cref="ParsedRule.OsloText"/> must equal what
/// <c>str(oslo_policy._parser.parse_rule(s))</c> prints, in one Python process per test.
/// </summary>
public sealed class ParserConformanceTests
{
    private const string ParseScript = """
        print(json.dumps([str(_parser.parse_rule(s)) for s in data]))
        """;

    [Fact]
    public void Parse_HandwrittenAndRandomCheckStrings_PrintsAsOsloPolicy()
    {
        var inputs = CheckStringGenerator.Handwritten.Concat(CheckStringGenerator.Random(seed: 20240517, count: 400)).ToList();

        var oslo = OsloPython.Run(ParseScript, new JsonArray([.. inputs.Select(s => JsonValue.Create(s))])).AsArray();

        Assert.Equal(inputs.Count, oslo.Count);
        var mismatches = new List<string>();
        for (var i = 0; i < inputs.Count; i++)
        {
            var ours = PolicyParser.Parse(inputs[i]).OsloText;
            var theirs = oslo[i]!.GetValue<string>();
            if (ours != theirs)
            {
                mismatches.Add($"{Quote(inputs[i])}: oslo.policy {Quote(theirs)}, ours {Quote(ours)}");
            }
        }

        Assert.True(mismatches.Count == 0, $"{mismatches.Count} of {inputs.Count} differ:\n" + string.Join("\n", mismatches));
    }

    [Fact]
    public void ParseList_HandwrittenAndRandomLists_PrintsAsOsloPolicy()
    {
        var inputs = CheckStringGenerator.RandomLists(seed: 7, count: 120);
        var json = new JsonArray([.. inputs.Select(ToJson)]);

        var oslo = OsloPython.Run(ParseScript, json).AsArray();

        Assert.Equal(inputs.Count, oslo.Count);
        var mismatches = new List<string>();
        for (var i = 0; i < inputs.Count; i++)
        {
            // A bare string in the outer list is one check, as oslo.policy's _parse_list_rule reads it.
            var lists = inputs[i].Select(inner => inner is string one ? (IReadOnlyList<string>)[one] : (IReadOnlyList<string>)(string[])inner).ToList();
            var ours = PolicyParser.ParseList(lists).OsloText;
            var theirs = oslo[i]!.GetValue<string>();
            if (ours != theirs)
            {
                mismatches.Add($"{json[i]!.ToJsonString()}: oslo.policy {Quote(theirs)}, ours {Quote(ours)}");
            }
        }

        Assert.True(mismatches.Count == 0, $"{mismatches.Count} of {inputs.Count} differ:\n" + string.Join("\n", mismatches));
    }

    // Sanity of the comparison itself: the generator covers what it claims to.
    [Fact]
    public void Random_Generator_CoversValidAndRefusedStrings()
    {
        var parsed = CheckStringGenerator.Random(seed: 20240517, count: 400).Select(PolicyParser.Parse).ToList();

        Assert.True(parsed.Count(p => !p.IsRefused) > 150, "too few valid strings");
        Assert.True(parsed.Count(p => p.IsRefused) > 50, "too few refused strings");
        Assert.Contains(parsed, p => p.Root is OrCheck);
        Assert.Contains(parsed, p => p.Root is AndCheck);
        Assert.Contains(parsed, p => p.Root is NotCheck);
    }

    private static JsonNode ToJson(IReadOnlyList<object> rule) =>
        new JsonArray([.. rule.Select(inner => inner is string one ? (JsonNode)JsonValue.Create(one) : new JsonArray([.. ((string[])inner).Select(s => JsonValue.Create(s))]))]);

    private static string Quote(string text) => System.Text.Json.JsonSerializer.Serialize(text);
}
