using Glance.Policy.Rules;

namespace Glance.Policy.Tests.Rules;

/// <summary>
/// An operator's policy file as oslo.policy's <c>parse_file_contents</c> reads it: JSON first, then
/// YAML, a mapping of rule names to check strings or the old list form; empty is no rules; a file
/// that is not a mapping throws <see cref="PolicyFileException"/>.
/// </summary>
public sealed class PolicyFileTests
{
    [Fact]
    public void Parse_Json_IsRulesInFileOrder()
    {
        var rules = PolicyFile.Parse("""{"get_image": "role:admin or role:reader", "delete_member": "!", "default": ""}""");

        Assert.Equal(["get_image", "delete_member", "default"], rules.Select(r => r.Key));
        Assert.Equal(["(role:admin or role:reader)", "!", "@"], rules.Select(r => r.Value.OsloText));
    }

    [Fact]
    public void Parse_Yaml_IsRulesInFileOrder()
    {
        var rules = PolicyFile.Parse("""
            # an operator's override
            "get_image": "role:admin or (role:reader and project_id:%(project_id)s)"
            delete_member: role:admin
            'get_member': 'rule:default'
            """);

        Assert.Equal(["get_image", "delete_member", "get_member"], rules.Select(r => r.Key));
        Assert.Equal(["(role:admin or (role:reader and project_id:%(project_id)s))", "role:admin", "rule:default"], rules.Select(r => r.Value.OsloText));
    }

    [Fact]
    public void Parse_YamlBlockScalar_IsOneCheckString()
    {
        var rule = Assert.Single(PolicyFile.Parse("get_image: >\n  role:admin or\n  role:reader\n"));

        Assert.Equal("(role:admin or role:reader)", rule.Value.OsloText);
    }

    [Theory]
    [InlineData("""{"get_image": [["role:a", "role:b"], ["role:c"]]}""")]
    [InlineData("""{"get_image": [["role:a", "role:b"], "role:c"]}""")]
    [InlineData("get_image: [[role:a, role:b], [role:c]]")]
    [InlineData("get_image:\n  - [role:a, role:b]\n  - role:c\n")]
    public void Parse_ListForm_IsOrOfAnds(string text)
    {
        Assert.Equal("((role:a and role:b) or role:c)", Assert.Single(PolicyFile.Parse(text)).Value.OsloText);
    }

    [Theory]
    [InlineData("""{"get_image": []}""")]
    [InlineData("get_image: []")]
    public void Parse_EmptyList_IsAlways(string text)
    {
        Assert.Equal("@", Assert.Single(PolicyFile.Parse(text)).Value.OsloText);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   \n\n")]
    [InlineData("# nothing but a comment\n")]
    [InlineData("{}")]
    [InlineData("null")]
    [InlineData("~")]
    [InlineData("---\n")]
    public void Parse_EmptyFile_IsNoRules(string text)
    {
        Assert.Empty(PolicyFile.Parse(text));
    }

    // oslo.policy's `if not rule`: a value YAML or JSON reads as null or false is "always".
    [Theory]
    [InlineData("get_image:")]
    [InlineData("get_image: ~")]
    [InlineData("get_image: null")]
    [InlineData("get_image: ''")]
    [InlineData("get_image: \"\"")]
    [InlineData("get_image: false")]
    [InlineData("get_image: no")]
    [InlineData("get_image: Off")]
    [InlineData("""{"get_image": null}""")]
    [InlineData("""{"get_image": false}""")]
    [InlineData("""{"get_image": ""}""")]
    public void Parse_NullFalseOrEmptyValue_IsAlways(string text)
    {
        Assert.Equal("@", Assert.Single(PolicyFile.Parse(text)).Value.OsloText);
    }

    [Theory]
    [InlineData("get_image: 'false'")]
    [InlineData("get_image: \"no\"")]
    public void Parse_QuotedFalseWord_IsACheckString(string text)
    {
        Assert.Equal("!", Assert.Single(PolicyFile.Parse(text)).Value.OsloText);
    }

    [Fact]
    public void Parse_JsonDuplicateRule_LastWinsAtFirstPosition()
    {
        var rules = PolicyFile.Parse("""{"get_image": "role:a", "delete_member": "role:b", "get_image": "role:c"}""");

        Assert.Equal([("get_image", "role:c"), ("delete_member", "role:b")], rules.Select(r => (r.Key, r.Value.OsloText)));
    }

    [Fact]
    public void Parse_UnparsableRule_IsRefusedWhileTheRestLoads()
    {
        var rules = PolicyFile.Parse("get_image: 'role:a or'\ndelete_member: role:admin\n").ToDictionary();

        Assert.True(rules["get_image"].IsRefused);
        Assert.False(rules["delete_member"].IsRefused);
    }

    [Theory]
    [InlineData("{{")]
    [InlineData("get_image: [unclosed")]
    [InlineData("get_image: 'unterminated")]
    [InlineData("[]")]
    [InlineData("[\"role:a\"]")]
    [InlineData("\"just a string\"")]
    [InlineData("42")]
    [InlineData("- get_image")]
    [InlineData("get_image: {nested: map}")]
    [InlineData("? [a, b]\n: role:admin")]
    [InlineData("get_image: [[role:a, [role:b]]]")]
    [InlineData("""{"get_image": [[1]]}""")]
    [InlineData("""{"get_image": [{"a": "b"}]}""")]
    public void Parse_InvalidFile_Throws(string text)
    {
        var exception = Assert.Throws<PolicyFileException>(() => PolicyFile.Parse(text));

        Assert.False(string.IsNullOrWhiteSpace(exception.Message));
    }

    [Fact]
    public void Parse_YamlSyntaxError_SaysWhere()
    {
        var exception = Assert.Throws<PolicyFileException>(() => PolicyFile.Parse("get_image: role:admin\ndelete_member: [role:a\n"));

        Assert.Contains("line", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"get_image": 5}""")]
    [InlineData("""{"get_image": true}""")]
    [InlineData("""{"get_image": {"a": "b"}}""")]
    public void Parse_JsonValueNotACheckString_DeniesThatRule(string text)
    {
        var rule = Assert.Single(PolicyFile.Parse(text));

        Assert.True(rule.Value.IsRefused);
        Assert.Equal("!", rule.Value.OsloText);
    }

    [Fact]
    public void Parse_Null_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => PolicyFile.Parse(null!));
    }
}
