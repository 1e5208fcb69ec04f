using System.Text.Json.Nodes;
using Glance.Policy.Rules;

namespace Glance.Policy.Tests.Oslo;

/// <summary>
/// <see cref="PolicyFile.Parse"/> against oslo.policy's <c>parse_file_contents</c> and
/// <c>Rules.load</c> over the same text: the same rules in the same order, each printing as
/// oslo.policy prints it; a file oslo.policy rejects as neither JSON nor YAML throws
/// <see cref="PolicyFileException"/>; a file oslo.policy reads but cannot load (a value that is not
/// a check string: Glance would fail every request) is refused, whole or in that rule.
/// </summary>
public sealed class PolicyFileConformanceTests
{
    private const string Script = """
        out = []
        for text in data:
            try:
                policy.parse_file_contents(text)
            except ValueError as e:
                out.append({'kind': 'invalid'})
                continue
            try:
                rules = policy.Rules.load(text, 'default')
                out.append({'kind': 'rules', 'rules': [[str(k), str(v)] for k, v in rules.items()]})
            except Exception as e:
                out.append({'kind': 'unloadable', 'error': '%s: %s' % (type(e).__name__, e)})
        print(json.dumps(out))
        """;

    private static readonly string[] Files =
    [
        "", "   \n", "# comment only\n", "{}", "null", "~", "---\n",
        """{"get_image": "role:admin or role:reader", "delete_member": "!", "default": ""}""",
        """{"get_image": "role:a", "delete_member": "role:b", "get_image": "role:c"}""",
        """{"get_image": [["role:a", "role:b"], ["role:c"]]}""",
        """{"get_image": [["role:a", "role:b"], "role:c"]}""",
        """{"get_image": []}""", """{"get_image": [[]]}""", """{"get_image": null}""", """{"get_image": false}""", """{"get_image": ""}""",
        """{"get_image": "role:a",}""",
        """{"get_image": {"a": "b"}}""",
        "get_image: role:admin\ndelete_member: 'role:admin or role:member'\n",
        "\"get_image\": \"role:admin or (role:reader and project_id:%(project_id)s)\"\n",
        "get_image: >\n  role:admin or\n  role:reader\n",
        "get_image: |\n  role:admin or\n  role:reader\n",
        "get_image: [[role:a, role:b], [role:c]]", "get_image:\n  - [role:a, role:b]\n  - role:c\n", "get_image: []",
        "get_image:", "get_image: ~", "get_image: null", "get_image: Null", "get_image: ''", "get_image: false", "get_image: FALSE",
        "get_image: no", "get_image: Off", "get_image: 'false'", "get_image: \"no\"", "get_image: n", "get_image: nULL",
        "get_image: 'role:a or'\ndelete_member: role:admin\n",
        "get_image: &a role:admin\ndelete_member: *a\n",
        "get_image: role:admin # trailing comment\n",
        "get_image: \"role:admin\\tor role:reader\"\n",
        "get_image: 'it''s:x'\n",
        "{{", "get_image: [unclosed", "get_image: 'unterminated", "? [a, b]\n: role:admin",
        "\"just a string\"", "42", "- get_image", "[\"role:a\"]",
        "get_image: 5", "get_image: yes", "{\"get_image\": 5}", "{\"get_image\": true}",
    ];

    // Where ours differs from oslo.policy, and why. The test fails when one stops differing, so the
    // list cannot go stale. Each is a file oslo.policy loads and the gateway reads otherwise.
    private static readonly Dictionary<string, string> KnownDivergences = new()
    {
        // YamlDotNet refuses a mapping with a repeated key; PyYAML keeps the last value.
        ["get_image: role:a\nget_image: role:b\n"] = "duplicate YAML key: oslo.policy keeps the last, ours refuses the whole file",
        // PyYAML reads 0 as the int 0, and oslo.policy's `if not rule` makes that "always"; ours parses "0" as a check string.
        ["get_image: 0"] = "YAML 0 (falsy int): oslo.policy '@', ours '!'",
        ["get_image: {}"] = "empty YAML mapping as a value: oslo.policy '@' (falsy), ours refuses the whole file",
        ["get_image: {nested: map}"] = "YAML mapping as a value: oslo.policy iterates its keys as checks ('!'), ours refuses the whole file",
        ["get_image: [[role:a, [role:b]]]"] = "a list inside an inner list: oslo.policy makes it '!' (and logs), ours refuses the whole file",
        ["{\"get_image\": [[1]]}"] = "a number in the list form: oslo.policy makes it '!', ours refuses the whole file",
        ["[]"] = "a JSON empty list: oslo.policy reads no rules (`parsed or {}`), ours refuses the whole file",
        ["---\nget_image: role:a\n---\ndelete_member: role:b\n"] = "two YAML documents: oslo.policy rejects the file, ours reads the first",
        ["get_image: ="] = "YAML 1.1's value key '=': PyYAML rejects the file, ours reads the string '=' (a check that never passes)",
        // The hosts read the file with File.ReadAllText, which drops a UTF-8 BOM, so this only
        // matters to a caller that hands PolicyFile a string that still starts with U+FEFF.
        ["\ufeffget_image: role:admin\n"] = "a byte-order mark left in the text: PyYAML drops it, ours keeps it in the first rule name",
    };

    [Fact]
    public void Parse_PolicyFiles_ReadAsOsloPolicyReadsThem()
    {
        var texts = Files.Concat(KnownDivergences.Keys).ToList();
        var oslo = OsloPython.Run(Script, new JsonArray([.. texts.Select(t => JsonValue.Create(t))])).AsArray();

        var mismatches = new List<string>();
        var diverging = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < texts.Count; i++)
        {
            var expected = Describe(oslo[i]!);
            var (ours, denies) = Ours(texts[i]);
            var agree = expected == ours || (expected.StartsWith("unloadable", StringComparison.Ordinal) && denies);
            if (!agree && KnownDivergences.ContainsKey(texts[i]))
            {
                diverging.Add(texts[i]);
            }
            else if (!agree)
            {
                mismatches.Add($"{Quote(texts[i])}: oslo.policy {expected}, ours {ours}");
            }
        }

        Assert.True(mismatches.Count == 0, $"{mismatches.Count} differ:\n" + string.Join("\n", mismatches));
        var stale = KnownDivergences.Keys.Where(k => !diverging.Contains(k)).ToList();
        Assert.True(stale.Count == 0, "no longer differ (remove from KnownDivergences): " + string.Join("; ", stale.Select(Quote)));
    }

    private static string Describe(JsonNode result) => result["kind"]!.GetValue<string>() switch
    {
        "invalid" => "invalid",
        "unloadable" => "unloadable (" + result["error"]!.GetValue<string>() + ")",
        _ => "rules " + string.Join(", ", result["rules"]!.AsArray().Select(r => $"{r![0]}={r[1]}")),
    };

    // Our reading in the same words, and whether it refuses (the file, or some rule is '!').
    private static (string Description, bool Denies) Ours(string text)
    {
        try
        {
            var rules = PolicyFile.Parse(text);
            return ("rules " + string.Join(", ", rules.Select(r => $"{r.Key}={r.Value.OsloText}")), rules.Any(r => r.Value.OsloText == "!"));
        }
        catch (PolicyFileException)
        {
            return ("invalid", true);
        }
    }

    private static string Quote(string text) => System.Text.Json.JsonSerializer.Serialize(text);
}
