using Glance.Policy.Language;

namespace Glance.Policy.Tests.Language;

/// <summary>
/// The policy language as oslo_policy/_parser.py reads it: every form, the precedence of its
/// greedy reductions, the old list-of-lists form, and what becomes of input it cannot reduce.
/// </summary>
public sealed class PolicyParserTests
{
    [Theory]
    [InlineData("@")]
    [InlineData("")]
    public void Parse_AlwaysForms_AreTrueCheck(string text)
    {
        var parsed = PolicyParser.Parse(text);

        Assert.IsType<TrueCheck>(parsed.Root);
        Assert.Equal("@", parsed.OsloText);
        Assert.Empty(parsed.Errors);
    }

    [Fact]
    public void Parse_Bang_IsFalseCheckWithoutError()
    {
        var parsed = PolicyParser.Parse("!");

        Assert.IsType<FalseCheck>(parsed.Root);
        Assert.Empty(parsed.Errors);
        Assert.False(parsed.IsRefused);
    }

    [Fact]
    public void Parse_Role_IsRoleCheck()
    {
        var role = Assert.IsType<RoleCheck>(PolicyParser.Parse("role:admin").Root);

        Assert.Equal("admin", role.Match);
        Assert.Equal("role:admin", role.ToString());
    }

    [Fact]
    public void Parse_Rule_IsRuleCheck()
    {
        var rule = Assert.IsType<RuleCheck>(PolicyParser.Parse("rule:context_is_admin").Root);

        Assert.Equal("context_is_admin", rule.Name);
        Assert.Null(rule.Bound);
    }

    [Theory]
    [InlineData("project_id:%(project_id)s", "project_id", "%(project_id)s")]
    [InlineData("'public':%(visibility)s", "'public'", "%(visibility)s")]
    [InlineData("\"shared\":%(visibility)s", "\"shared\"", "%(visibility)s")]
    [InlineData("is_admin:True", "is_admin", "True")]
    [InlineData("True:%(protected)s", "True", "%(protected)s")]
    [InlineData("user_id:u-1", "user_id", "u-1")]
    [InlineData("a:b:c", "a", "b:c")]
    [InlineData("%(x)s:y", "%(x)s", "y")]
    [InlineData("a.b:%(c)s", "a.b", "%(c)s")]
    [InlineData(":x", "", "x")]
    public void Parse_KindColonMatch_IsGenericCheck(string text, string kind, string match)
    {
        var parsed = PolicyParser.Parse(text);

        var generic = Assert.IsType<GenericCheck>(parsed.Root);
        Assert.Equal((kind, match), (generic.Kind, generic.Match));
        Assert.Equal(text, parsed.OsloText);
        Assert.Empty(parsed.Errors);
    }

    [Theory]
    [InlineData("http://example.com/%(id)s", "http", "//example.com/%(id)s")]
    [InlineData("https://example.com", "https", "//example.com")]
    public void Parse_RemoteCheck_IsUnsupportedWithDiagnostic(string text, string kind, string match)
    {
        var parsed = PolicyParser.Parse(text);

        var remote = Assert.IsType<UnsupportedCheck>(parsed.Root);
        Assert.Equal((kind, match), (remote.Kind, remote.Match));
        var error = Assert.Single(parsed.Errors);
        Assert.Equal(1, error.Position);
        Assert.False(error.DeniesRule);
        Assert.Contains("remote server", error.Message, StringComparison.Ordinal);
        Assert.False(remote.Evaluate(new PolicyCredentials("u", "p", ["admin"]), EmptyTarget.Instance));
    }

    [Theory]
    [InlineData("role:a or role:b", "(role:a or role:b)")]
    [InlineData("role:a and role:b", "(role:a and role:b)")]
    [InlineData("not role:a", "not role:a")]
    [InlineData("role:a or role:b or role:c", "(role:a or role:b or role:c)")]
    [InlineData("role:a and role:b and role:c", "(role:a and role:b and role:c)")]
    [InlineData("role:a or role:b and role:c", "(role:a or (role:b and role:c))")]
    [InlineData("role:a and role:b or role:c", "((role:a and role:b) or role:c)")]
    [InlineData("role:a or role:b and role:c and role:d", "(role:a or (role:b and role:c and role:d))")]
    [InlineData("role:a or role:b and role:c or role:d", "(role:a or (role:b and role:c) or role:d)")]
    [InlineData("role:a and role:b or role:c and role:d", "((role:a and role:b) or (role:c and role:d))")]
    [InlineData("not role:a and role:b", "(not role:a and role:b)")]
    [InlineData("not role:a or role:b", "(not role:a or role:b)")]
    [InlineData("not not role:a", "not not role:a")]
    [InlineData("not (role:a or role:b)", "not (role:a or role:b)")]
    [InlineData("(role:a or role:b) and role:c", "((role:a or role:b) and role:c)")]
    [InlineData("role:a and (role:b or role:c)", "(role:a and (role:b or role:c))")]
    [InlineData("(role:a)", "role:a")]
    [InlineData("((role:a))", "role:a")]
    [InlineData("( role:a )", "role:a")]
    [InlineData("(project_id:%(project_id)s)", "project_id:%(project_id)s")]
    [InlineData("role:a AND role:b OR NOT role:c", "((role:a and role:b) or not role:c)")]
    [InlineData("role:a aNd role:b oR nOt role:c", "((role:a and role:b) or not role:c)")]
    [InlineData("  role:a \t or\n\nrole:b  ", "(role:a or role:b)")]
    [InlineData("role:a\u00a0or\u2003role:b", "(role:a or role:b)")]
    [InlineData("role:a\u001cor\u001frole:b", "(role:a or role:b)")]
    [InlineData("role:admin or role:reader and (project_id:%(project_id)s or project_id:%(member_id)s)",
        "(role:admin or (role:reader and (project_id:%(project_id)s or project_id:%(member_id)s)))")]
    public void Parse_Expression_PrintsAsOsloPolicy(string text, string expected)
    {
        var parsed = PolicyParser.Parse(text);

        Assert.Equal(expected, parsed.OsloText);
        Assert.Equal(expected, parsed.Root.ToString());
        Assert.Empty(parsed.Errors);
    }

    [Fact]
    public void Parse_OrThenAnd_AndBindsTighter()
    {
        var or = Assert.IsType<OrCheck>(PolicyParser.Parse("role:a or role:b and role:c").Root);

        Assert.Equal(2, or.Checks.Count);
        Assert.IsType<RoleCheck>(or.Checks[0]);
        var and = Assert.IsType<AndCheck>(or.Checks[1]);
        Assert.Equal(["role:b", "role:c"], and.Checks.Select(c => c.ToString()));
    }

    [Fact]
    public void Parse_NotThenAnd_NotTakesOnlyTheNextCheck()
    {
        var and = Assert.IsType<AndCheck>(PolicyParser.Parse("not role:a and role:b").Root);

        var not = Assert.IsType<NotCheck>(and.Checks[0]);
        Assert.Equal("role:a", not.Inner.ToString());
    }

    // Refused: the string does not reduce to one check; the rule becomes '!' and the error says where.
    [Theory]
    [InlineData("role:a or", 8)]
    [InlineData("role:a and", 8)]
    [InlineData("role:a or role:b and", 18)]
    [InlineData("role:a and or role:b", 8)]
    [InlineData("role:a role:b", 8)]
    [InlineData("role:a not role:b", 8)]
    [InlineData("role:a)", 7)]
    [InlineData("(role:a or role:b))", 19)]
    [InlineData("role:a or\trole:b )", 18)]
    public void Parse_Unreducible_IsRefusedAtThePositionItStopped(string text, int position)
    {
        var parsed = PolicyParser.Parse(text);

        Assert.IsType<FalseCheck>(parsed.Root);
        Assert.Equal("!", parsed.OsloText);
        Assert.True(parsed.IsRefused);
        var error = Assert.Single(parsed.Errors, e => e.DeniesRule);
        Assert.Equal(position, error.Position);
        Assert.Contains($"character {position}", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("(role:a")]
    [InlineData("((role:a) or (role:b)")]
    [InlineData("and role:a")]
    [InlineData("or")]
    [InlineData("()")]
    [InlineData("not")]
    [InlineData("role:a and not")]
    public void Parse_UnbalancedOrDangling_IsRefused(string text)
    {
        var parsed = PolicyParser.Parse(text);

        Assert.IsType<FalseCheck>(parsed.Root);
        Assert.True(parsed.IsRefused);
        Assert.InRange(parsed.Errors.Single(e => e.DeniesRule).Position, 1, text.Length);
    }

    [Theory]
    [InlineData(" ")]
    [InlineData("\t\n")]
    public void Parse_Blank_IsRefusedAtCharacterOne(string text)
    {
        var parsed = PolicyParser.Parse(text);

        Assert.Equal("!", parsed.OsloText);
        Assert.Equal(1, Assert.Single(parsed.Errors).Position);
        Assert.True(parsed.IsRefused);
    }

    // oslo.policy returns the bare token when a string is one token that is not a check; str() prints it.
    [Theory]
    [InlineData("'quoted'", "quoted")]
    [InlineData("\"quoted\"", "quoted")]
    [InlineData("''", "")]
    [InlineData("and", "and")]
    [InlineData("AND", "AND")]
    [InlineData("Or", "Or")]
    [InlineData("not", "not")]
    [InlineData("(", "(")]
    [InlineData(")", ")")]
    public void Parse_LoneToken_IsRefusedAndPrintsTheToken(string text, string oslo)
    {
        var parsed = PolicyParser.Parse(text);

        Assert.IsType<FalseCheck>(parsed.Root);
        Assert.True(parsed.IsRefused);
        Assert.Equal(oslo, parsed.OsloText);
    }

    [Fact]
    public void Parse_QuotedStringInAnExpression_IsRefused()
    {
        Assert.True(PolicyParser.Parse("role:a or 'quoted'").IsRefused);
    }

    // A word without a colon is a check that never passes (logged), not a refusal of the rule.
    [Fact]
    public void Parse_WordWithoutColon_NeverPassesButTheRuleStands()
    {
        var parsed = PolicyParser.Parse("role:a or foo");

        var or = Assert.IsType<OrCheck>(parsed.Root);
        Assert.IsType<FalseCheck>(or.Checks[1]);
        Assert.Equal("(role:a or !)", parsed.OsloText);
        var error = Assert.Single(parsed.Errors);
        Assert.Equal((11, false), (error.Position, error.DeniesRule));
        Assert.False(parsed.IsRefused);
    }

    [Theory]
    [InlineData("role:%(x)d", 1)]
    [InlineData("role:a or project_id:100%", 11)]
    [InlineData("role:a or project_id:%(x)d", 11)]
    public void Parse_UnsupportedSubstitution_NeverPassesWithDiagnostic(string text, int position)
    {
        var parsed = PolicyParser.Parse(text);

        var error = Assert.Single(parsed.Errors);
        Assert.Equal((position, false), (error.Position, error.DeniesRule));
        Assert.Contains("substitution", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_UnsupportedSubstitution_NeverPassesEvenWhenTheKeyMatches()
    {
        var target = new DictionaryTarget(new Dictionary<string, string> { ["x"] = "a" });

        Assert.False(PolicyParser.Parse("role:%(x)d").Root.Evaluate(new PolicyCredentials("u", "p", ["a"]), target));
        Assert.True(PolicyParser.Parse("role:%(x)s").Root.Evaluate(new PolicyCredentials("u", "p", ["a"]), target));
    }

    [Fact]
    public void Parse_PythonKeywordAsKind_NeverPassesWithDiagnostic()
    {
        var parsed = PolicyParser.Parse("not:x");

        Assert.IsType<GenericCheck>(parsed.Root);
        Assert.Contains("keyword", Assert.Single(parsed.Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_HostileInput_NeverThrows()
    {
        string[] inputs =
        [
            "((((((((((", "))))))))))", new string('(', 500) + "role:a" + new string(')', 500), string.Join(" ", Enumerable.Repeat("not", 500)) + " role:a",
            string.Join(" or ", Enumerable.Range(0, 500).Select(i => $"role:r{i}")), "%%%%", "\0", "role:\0",
        ];

        foreach (var input in inputs)
        {
            _ = PolicyParser.Parse(input);
        }

        Assert.Equal("role:a", PolicyParser.Parse(new string('(', 500) + "role:a" + new string(')', 500)).OsloText);
    }

    [Theory]
    [InlineData("[]", "@")]
    [InlineData("[[]]", "!")]
    [InlineData("[[], []]", "!")]
    [InlineData("[[\"role:a\"]]", "role:a")]
    [InlineData("[[\"role:a\", \"role:b\"]]", "(role:a and role:b)")]
    [InlineData("[[\"role:a\"], [\"role:b\"]]", "(role:a or role:b)")]
    [InlineData("[[\"role:a\", \"role:b\"], [\"role:c\"]]", "((role:a and role:b) or role:c)")]
    [InlineData("[[], [\"role:c\"]]", "role:c")]
    [InlineData("[[\"role:a or role:b\"]]", "role:a or role:b")]
    [InlineData("[[\"not role:a\"]]", "not role:a")]
    [InlineData("[[\"@\"], [\"!\"]]", "(@ or !)")]
    [InlineData("[[\"foo\"]]", "!")]
    public void ParseList_ListOfLists_IsOrOfAnds(string json, string expected)
    {
        var lists = System.Text.Json.JsonSerializer.Deserialize<string[][]>(json)!;

        Assert.Equal(expected, PolicyParser.ParseList(lists).OsloText);
    }

    // In the list form each element is one check, not a check string: spaces stay in the match.
    [Fact]
    public void ParseList_ElementWithSpaces_IsOneCheck()
    {
        var role = Assert.IsType<RoleCheck>(PolicyParser.ParseList([["role:a or role:b"]]).Root);

        Assert.Equal("a or role:b", role.Match);
    }
}
