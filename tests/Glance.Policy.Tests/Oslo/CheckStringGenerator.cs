using System.Text;

namespace Glance.Policy.Tests.Oslo;

/// <summary>
/// Check strings to feed both parsers: hand-written edge cases, and a seeded random generator over
/// the language's atoms, operators in any case, parentheses (balanced, glued to words, unbalanced),
/// words without a colon, quoted strings and odd whitespace. Deterministic for a seed.
/// </summary>
internal static class CheckStringGenerator
{
    private static readonly string[] Atoms =
    [
        "role:admin", "role:ADMIN", "role:x", "role:%(name)s", "rule:y", "rule:default", "rule:admin_required",
        "a:%(b)s", "project_id:%(project_id)s", "project_id:%(member_id)s", "user_id:%(owner)s",
        "'lit':%(v)s", "'public':%(visibility)s", "\"dq\":%(v)s", "@", "!", "is_admin:True", "True:%(x)s",
        "None:%(owner)s", "42:%(min_ram)s", "a.b:%(c)s", "http://example.com/%(id)s", "https:x",
        "foo", "bar_baz", "'", "a:b:c", "%(x)s:y", ":", "role:", ":x",
        "role:a(b", "role:a)b", "x:%(a)s)", "'a", "b'", "not:x", "and:x", "or:%(or)s", "rule:rule:x",
    ];

    // The list form's own edge cases: empty outer and inner lists, a bare string, a check string with
    // spaces (one check, not tokenized), parentheses kept, unknown and remote checks.
    private static readonly IReadOnlyList<object>[] FixedLists =
    [
        Array.Empty<object>(),
        new object[] { Array.Empty<string>() },
        new object[] { Array.Empty<string>(), Array.Empty<string>() },
        new object[] { new[] { "role:a" } },
        new object[] { "role:a" },
        new object[] { new[] { "role:a", "role:b" }, new[] { "role:c" } },
        new object[] { new[] { "role:a or role:b" } },
        new object[] { new[] { "not role:a" } },
        new object[] { new[] { "(role:a)" } },
        new object[] { new[] { "@" }, new[] { "!" } },
        new object[] { new[] { "foo" } },
        new object[] { new[] { "" } },
        new object[] { new[] { "http://x" }, "rule:y" },
    ];

    // Words the tokenizer makes string tokens of: they never reduce with anything.
    private static readonly string[] Strings = ["'quoted'", "\"quoted\"", "''", "'lit)'", "'lit':"];

    private static readonly string[] Operators = ["and", "or", "not", "AND", "Or", "NOT", "oR", "aNd", "Not"];

    private static readonly string[] Spaces = [" ", " ", " ", "  ", "\t", "\n", " \t ", "\r\n", "   "];

    /// <summary>Edge cases written by hand: every form, precedence, odd tokens, odd whitespace.</summary>
    public static IReadOnlyList<string> Handwritten { get; } =
    [
        "", " ", "\t", "@", "!", "role:admin", "rule:default", "project_id:%(project_id)s", "'public':%(visibility)s",
        "is_admin:True", "True:%(protected)s", "role:a or role:b", "role:a and role:b", "not role:a",
        "role:a or role:b and role:c", "role:a and role:b or role:c", "role:a or role:b and role:c and role:d",
        "role:a or role:b and role:c or role:d", "role:a and role:b and role:c or role:d and role:e",
        "role:a or role:b or role:c", "not role:a and role:b", "not role:a or not role:b", "not not role:a",
        "not (role:a or role:b)", "(role:a or role:b) and role:c", "role:a and (role:b or role:c)",
        "((role:a))", "(role:a)", "( role:a )", "(((role:a or role:b)) and (role:c))",
        "role:a AND role:b", "role:a OR role:b", "NOT role:a", "role:a aNd role:b oR NoT role:c",
        "role:a or", "or role:a", "role:a and", "and", "or", "not", "AND", "(", ")", "()", "(()", "(role:a", "role:a)",
        "((role:a) or (role:b)", "(role:a or role:b))", "role:a role:b", "role:a not role:b", "role:a and or role:b",
        "role:a and not", "not and role:a", "foo", "foo or role:a", "role:a or foo", "'quoted'", "\"quoted\"",
        "'quoted' or role:a", "('quoted')", "'a b'", "'lit':%(v)s or 'x'", "''", "'", "\"", "'abc')", "'a)'",
        "http://example.com/%(id)s", "role:admin or https://x", "a:b:c", ":", ":x", "role:", "rule:",
        "%(x)s:y", "project_id:%(project_id)s)", "(project_id:%(project_id)s)", "role:%(x)d", "role:100%",
        "role:a\tor\trole:b", "role:a\nor\nrole:b", "role:a\r\nor role:b", "  role:a   or   role:b  ",
        "role:a\vor\frole:b", "role:a\u00a0or\u00a0role:b", "role:a\u2003or\u3000role:b", "role:a\u2028or\u2029role:b",
        "role:a\u0085or role:b", "role:a\u200bor role:b", "role:a\u001cor\u001drole:b", "role:a\u001eor\u001frole:b",
        "role:admin or role:reader and (project_id:%(project_id)s or project_id:%(member_id)s)",
        "role:admin or (role:member and project_id:%(project_id)s and project_id:%(owner)s)",
        "not not not not not role:a", "((((((((((role:a))))))))))", "role:a or (role:b or (role:c or (role:d)))",
    ];

    /// <summary><paramref name="count"/> random check strings from <paramref name="seed"/>.</summary>
    public static IReadOnlyList<string> Random(int seed, int count)
    {
        var random = new Random(seed);
        var result = new List<string>(count);
        while (result.Count < count)
        {
            var tokens = random.Next(3) switch
            {
                0 => Soup(random),
                _ => Expression(random, depth: 0),
            };
            if (random.Next(5) == 0 && tokens.Count > 0)
            {
                Mutate(random, tokens);
            }

            result.Add(Render(random, tokens));
        }

        return result;
    }

    /// <summary>
    /// Random list-of-lists rules: each inner element is a list of checks or a bare string (JSON string),
    /// checks taken whole (the list form does not tokenize, so spaces stay in a check).
    /// </summary>
    public static IReadOnlyList<IReadOnlyList<object>> RandomLists(int seed, int count)
    {
        var random = new Random(seed);
        var result = new List<IReadOnlyList<object>>(FixedLists);
        while (result.Count < count)
        {
            var outer = new List<object>();
            for (var i = random.Next(4); i > 0; i--)
            {
                var inner = new List<string>();
                for (var j = random.Next(4); j > 0; j--)
                {
                    inner.Add(random.Next(6) == 0 ? Word(random) + " " + Word(random) : Word(random));
                }

                outer.Add(random.Next(5) == 0 && inner.Count == 1 ? inner[0] : inner.ToArray());
            }

            result.Add(outer);
        }

        return result;
    }

    private static string Word(Random random) =>
        random.Next(8) == 0 ? Strings[random.Next(Strings.Length)] : Atoms[random.Next(Atoms.Length)];

    private static List<string> Soup(Random random)
    {
        var tokens = new List<string>();
        for (var i = random.Next(1, 9); i > 0; i--)
        {
            tokens.Add(random.Next(10) switch
            {
                < 3 => Atoms[random.Next(Atoms.Length)],
                < 4 => Strings[random.Next(Strings.Length)],
                < 7 => Operators[random.Next(Operators.Length)],
                < 8 => "(",
                < 9 => ")",
                _ => random.Next(2) == 0 ? "()" : "((",
            });
        }

        return tokens;
    }

    private static List<string> Expression(Random random, int depth)
    {
        var choice = depth > 2 ? 0 : random.Next(6);
        switch (choice)
        {
            case 0:
            case 1:
                return [random.Next(40) == 0 ? Strings[random.Next(Strings.Length)] : Atoms[random.Next(Atoms.Length)]];
            case 2:
                return [random.Next(3) == 0 ? "NOT" : "not", .. Expression(random, depth + 1)];
            case 3:
                return ["(", .. Expression(random, depth + 1), ")"];
            default:
                var tokens = Expression(random, depth + 1);
                for (var i = random.Next(1, 3); i > 0; i--)
                {
                    tokens.Add(random.Next(2) == 0 ? (random.Next(4) == 0 ? "AND" : "and") : (random.Next(4) == 0 ? "OR" : "or"));
                    tokens.AddRange(Expression(random, depth + 1));
                }

                return tokens;
        }
    }

    // Drop or add a parenthesis or an operator somewhere.
    private static void Mutate(Random random, List<string> tokens)
    {
        var at = random.Next(tokens.Count + 1);
        switch (random.Next(4))
        {
            case 0:
                tokens.Insert(at, "(");
                break;
            case 1:
                tokens.Insert(at, ")");
                break;
            case 2:
                tokens.Insert(at, Operators[random.Next(Operators.Length)]);
                break;
            default:
                tokens.RemoveAt(Math.Min(at, tokens.Count - 1));
                break;
        }
    }

    // Parentheses are glued to their neighbour half the time ("(role:a" and "role:b)"), which the
    // tokenizer peels off again; words are separated by assorted whitespace.
    private static string Render(Random random, List<string> tokens)
    {
        var text = new StringBuilder();
        if (random.Next(8) == 0)
        {
            text.Append(Spaces[random.Next(Spaces.Length)]);
        }

        for (var i = 0; i < tokens.Count; i++)
        {
            if (i > 0)
            {
                var glue = (tokens[i - 1] == "(" || tokens[i] == ")") && random.Next(2) == 0;
                text.Append(glue ? string.Empty : Spaces[random.Next(Spaces.Length)]);
            }

            text.Append(tokens[i]);
        }

        if (random.Next(8) == 0)
        {
            text.Append(Spaces[random.Next(Spaces.Length)]);
        }

        return text.ToString();
    }
}
