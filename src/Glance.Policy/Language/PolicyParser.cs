using System.Text.RegularExpressions;

namespace Glance.Policy.Language;

/// <summary>
/// oslo.policy's policy language (oslo_policy/_parser.py), token for token: the whitespace
/// tokenizer that peels parentheses off each word, and the greedy shift-reduce parser whose
/// reductions give <c>and</c> precedence over <c>or</c> (<c>A or B and C</c> is
/// <c>(A or (B and C))</c>). Also the old list-of-lists form. Nothing here throws on bad input:
/// a check string that does not reduce to one check becomes <c>!</c> with an error naming the
/// position where it stopped reducing.
/// </summary>
public static partial class PolicyParser
{
    /// <summary>Parses a check string.</summary>
    public static ParsedRule Parse(string rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        if (rule.Length == 0)
        {
            return new ParsedRule(TrueCheck.Instance, [], "@");
        }

        var errors = new List<PolicyParseError>();
        var state = new State();
        foreach (var token in Tokenize(rule, errors))
        {
            state.Shift(token);
        }

        if (state.Count == 1 && state.Top.Value is Check check && state.Top.Kind is not ("(" or ")" or "and" or "or" or "not" or "string"))
        {
            return new ParsedRule(check, errors, check.ToString());
        }

        if (state.Count == 1)
        {
            var bare = state.Top;
            errors.Add(new PolicyParseError(bare.Position, $"'{bare.Text}' alone is not a check", DeniesRule: true));
            return new ParsedRule(FalseCheck.Instance, errors, bare.Value as string ?? bare.Text);
        }

        var position = state.Count == 0 ? 1 : state.StuckAt();
        errors.Add(new PolicyParseError(position, state.Count == 0
            ? "the check string is blank"
            : $"cannot combine the check string at character {position}: a missing or extra 'and', 'or', 'not' or parenthesis", DeniesRule: true));
        return new ParsedRule(FalseCheck.Instance, errors, "!");
    }

    /// <summary>
    /// Parses the old list-of-lists form: the outer list is joined by <c>or</c>, each inner list by
    /// <c>and</c>; each element is one check (not a check string); an empty list is <c>@</c>.
    /// </summary>
    public static ParsedRule ParseList(IReadOnlyList<IReadOnlyList<string>> rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        if (rule.Count == 0)
        {
            return new ParsedRule(TrueCheck.Instance, [], "@");
        }

        var errors = new List<PolicyParseError>();
        var or = new List<Check>();
        foreach (var inner in rule)
        {
            if (inner.Count == 0)
            {
                continue;
            }

            var and = inner.Select(text => ParseCheck(text, 1, errors)).ToArray();
            or.Add(and.Length == 1 ? and[0] : new AndCheck(and));
        }

        Check root = or.Count switch
        {
            0 => FalseCheck.Instance,
            1 => or[0],
            _ => new OrCheck([.. or]),
        };
        return new ParsedRule(root, errors, root.ToString());
    }

    /// <summary>One check (<c>!</c>, <c>@</c>, <c>kind:match</c>); a word without a colon is <c>!</c>.</summary>
    private static Check ParseCheck(string text, int position, List<PolicyParseError> errors)
    {
        if (text == "!")
        {
            return FalseCheck.Instance;
        }

        if (text == "@")
        {
            return TrueCheck.Instance;
        }

        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            errors.Add(new PolicyParseError(position, $"'{text}' is not a check (no 'kind:'); it never passes", DeniesRule: false));
            return FalseCheck.Instance;
        }

        var kind = text[..colon];
        var match = text[(colon + 1)..];
        Check check = kind switch
        {
            "rule" => new RuleCheck(match),
            "role" => new RoleCheck(match),
            "http" or "https" => new UnsupportedCheck(kind, match),
            _ => new GenericCheck(kind, match),
        };
        var error = check switch
        {
            UnsupportedCheck => $"'{text}': {kind}: checks call a remote server and are not supported; it never passes",
            RoleCheck role => role.Error,
            GenericCheck generic => generic.Error,
            _ => null,
        };
        if (error is not null)
        {
            errors.Add(new PolicyParseError(position, check is UnsupportedCheck ? error : $"'{text}': {error}; it never passes", DeniesRule: false));
        }

        return check;
    }

    // _parse_tokenize: split on whitespace, peel leading '(' and trailing ')' off each word;
    // and/or/not in any case are operators; a word quoted at both ends is a string token.
    private static IEnumerable<Token> Tokenize(string rule, List<PolicyParseError> errors)
    {
        foreach (Match word in Words().Matches(rule))
        {
            var tok = word.Value;
            var position = word.Index + 1;
            var clean = tok.TrimStart('(');
            for (var i = 0; i < tok.Length - clean.Length; i++)
            {
                yield return new Token("(", "(", "(", position + i);
            }

            if (clean.Length == 0)
            {
                continue;
            }

            position += tok.Length - clean.Length;
            tok = clean;
            clean = tok.TrimEnd(')');
            var trail = tok.Length - clean.Length;
            var lowered = clean.ToLowerInvariant();
            if (lowered is "and" or "or" or "not")
            {
                yield return new Token(lowered, clean, clean, position);
            }
            else if (clean.Length > 0)
            {
                if (tok.Length >= 2 && (tok[0], tok[^1]) is ('"', '"') or ('\'', '\''))
                {
                    yield return new Token("string", tok[1..^1], tok, position);
                }
                else
                {
                    yield return new Token("check", ParseCheck(clean, position, errors), clean, position);
                }
            }

            for (var i = 0; i < trail; i++)
            {
                yield return new Token(")", ")", ")", position + clean.Length + i);
            }
        }
    }

    [GeneratedRegex(@"[^\s\x1c-\x1f]+")] // Python's \s also matches \x1c-\x1f
    private static partial Regex Words();

    private readonly record struct Token(string Kind, object Value, string Text, int Position);

    // ParseState: tokens and values side by side; after every shift, reduce greedily.
    private sealed class State
    {
        private readonly List<Token> _stack = [];

        public int Count => _stack.Count;

        public Token Top => _stack[^1];

        public void Shift(Token token)
        {
            _stack.Add(token);
            while (Reduce())
            {
            }
        }

        // The first element that the one before it could not be joined with.
        public int StuckAt() => _stack.Count > 1 ? _stack[1].Position : _stack[0].Position;

        private bool Ends(params string[] kinds)
        {
            if (_stack.Count < kinds.Length)
            {
                return false;
            }

            for (var i = 0; i < kinds.Length; i++)
            {
                if (_stack[_stack.Count - kinds.Length + i].Kind != kinds[i])
                {
                    return false;
                }
            }

            return true;
        }

        private Token At(int fromEnd) => _stack[_stack.Count - fromEnd];

        private void Replace(int count, string kind, Check value)
        {
            var position = _stack[_stack.Count - count].Position;
            _stack.RemoveRange(_stack.Count - count, count);
            _stack.Add(new Token(kind, value, kind, position));
        }

        // The reducers in the order oslo.policy's metaclass lists them.
        private bool Reduce()
        {
            if (Ends("(", "or_expr", ")") || Ends("(", "and_expr", ")") || Ends("(", "check", ")"))
            {
                Replace(3, "check", (Check)At(2).Value);
                return true;
            }

            if (Ends("check", "and", "check"))
            {
                Replace(3, "and_expr", new AndCheck((Check)At(3).Value, (Check)At(1).Value));
                return true;
            }

            if (Ends("or_expr", "and", "check"))
            {
                var or = (OrCheck)At(3).Value;
                var check = (Check)At(1).Value;
                var last = or.PopLast();
                var and = last is AndCheck existing ? existing.Add(check) : new AndCheck(last, check);
                Replace(3, "or_expr", or.Add(and));
                return true;
            }

            if (Ends("and_expr", "and", "check"))
            {
                Replace(3, "and_expr", ((AndCheck)At(3).Value).Add((Check)At(1).Value));
                return true;
            }

            if (Ends("and_expr", "or", "check") || Ends("check", "or", "check"))
            {
                Replace(3, "or_expr", new OrCheck((Check)At(3).Value, (Check)At(1).Value));
                return true;
            }

            if (Ends("or_expr", "or", "check"))
            {
                Replace(3, "or_expr", ((OrCheck)At(3).Value).Add((Check)At(1).Value));
                return true;
            }

            if (Ends("not", "check"))
            {
                Replace(2, "check", new NotCheck((Check)At(1).Value));
                return true;
            }

            return false;
        }
    }
}
