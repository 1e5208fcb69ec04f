namespace Glance.Policy.Language;

/// <summary>
/// The right-hand side of a check, as Python's <c>match % target</c> renders it: literal text with
/// <c>%(key)s</c> substitutions from the target and <c>%%</c> for a percent sign. Compiled once;
/// <see cref="Matches"/> compares a rendering with a value piece by piece, without building it.
/// Any other <c>%</c> conversion is kept as <see cref="Error"/> (Python raises there; the check
/// fails closed).
/// </summary>
internal sealed class MatchTemplate
{
    private readonly Part[] _parts;

    private MatchTemplate(Part[] parts, string? error)
    {
        _parts = parts;
        Error = error;
    }

    /// <summary>Why the template cannot be rendered, or null.</summary>
    public string? Error { get; }

    /// <summary>The template's text when it has no substitution at all, else null.</summary>
    public string? Constant => _parts.Length == 1 && !_parts[0].IsKey ? _parts[0].Text : _parts.Length == 0 ? string.Empty : null;

    /// <summary>The target keys the template substitutes (<c>%(key)s</c>), in order.</summary>
    public IEnumerable<string> Keys => _parts.Where(part => part.IsKey).Select(part => part.Text);

    /// <summary>Compiles <paramref name="text"/>.</summary>
    public static MatchTemplate Compile(string text)
    {
        var parts = new List<Part>();
        var literal = new System.Text.StringBuilder();
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c != '%')
            {
                literal.Append(c);
                continue;
            }

            if (i + 1 < text.Length && text[i + 1] == '%')
            {
                literal.Append('%');
                i++;
                continue;
            }

            if (i + 1 < text.Length && text[i + 1] == '(')
            {
                var close = text.IndexOf(')', i + 2);
                if (close > 0 && close + 1 < text.Length && text[close + 1] == 's')
                {
                    if (literal.Length > 0)
                    {
                        parts.Add(new Part(literal.ToString(), IsKey: false));
                        literal.Clear();
                    }

                    parts.Add(new Part(text[(i + 2)..close], IsKey: true));
                    i = close + 1;
                    continue;
                }
            }

            return new MatchTemplate([], $"unsupported substitution at character {i + 1} of '{text}' (only %(key)s and %% are)");
        }

        if (literal.Length > 0)
        {
            parts.Add(new Part(literal.ToString(), IsKey: false));
        }

        return new MatchTemplate([.. parts], null);
    }

    /// <summary>
    /// True when the template, rendered over <paramref name="target"/>, equals
    /// <paramref name="value"/> under <paramref name="comparison"/>; false when it differs, when
    /// the target lacks a key it names, or when the template is in error.
    /// </summary>
    public bool Matches(IPolicyTarget target, ReadOnlySpan<char> value, StringComparison comparison)
    {
        if (Error is not null)
        {
            return false;
        }

        var rest = value;
        foreach (var part in _parts)
        {
            string text;
            if (part.IsKey)
            {
                if (!target.TryGetValue(part.Text, out text))
                {
                    return false;
                }
            }
            else
            {
                text = part.Text;
            }

            if (!rest.StartsWith(text, comparison))
            {
                return false;
            }

            rest = rest[text.Length..];
        }

        return rest.IsEmpty;
    }

    /// <summary>True when every key the template names is in <paramref name="target"/> (Python renders without a KeyError).</summary>
    public bool CanRender(IPolicyTarget target)
    {
        if (Error is not null)
        {
            return false;
        }

        foreach (var part in _parts)
        {
            if (part.IsKey && !target.TryGetValue(part.Text, out _))
            {
                return false;
            }
        }

        return true;
    }

    private readonly record struct Part(string Text, bool IsKey);
}
