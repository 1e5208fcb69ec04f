namespace Glance.Policy.Language;

/// <summary>
/// Every other <c>kind:match</c> (oslo.policy's GenericCheck). The match is rendered over the
/// target first (a missing key fails the check). Then, when the kind is a Python literal
/// (<c>'public'</c>, <c>True</c>, <c>None</c>, an integer), the rendering is compared with the
/// literal's <c>str()</c>; otherwise the kind names a credential (<c>project_id</c>,
/// <c>user_id</c>, <c>roles</c>, ...) and the rendering is compared with its <c>str()</c>, or with
/// any element of a list. Values compare as strings, so <c>project_id:%(member_id)s</c> passes
/// when both are None. The credentials have no <c>is_admin</c> key (oslo.context does not put one
/// in its policy values), so <c>is_admin:True</c> never passes, exactly as in Glance.
/// </summary>
public sealed class GenericCheck : Check
{
    private static readonly HashSet<string> PythonKeywords =
    [
        "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del", "elif",
        "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is", "lambda", "nonlocal", "not", "or",
        "pass", "raise", "return", "try", "while", "with", "yield",
    ];

    private readonly MatchTemplate _template;
    private readonly string? _literal;
    private readonly CredentialField _field;

    /// <summary>Creates the check for <c>kind:match</c>.</summary>
    public GenericCheck(string kind, string match)
    {
        Kind = kind ?? throw new ArgumentNullException(nameof(kind));
        Match = match ?? throw new ArgumentNullException(nameof(match));
        _template = MatchTemplate.Compile(match);
        (_literal, _field, var kindError) = Classify(kind);
        Error = _template.Error ?? kindError;
    }

    /// <summary>The text before the colon.</summary>
    public string Kind { get; }

    /// <summary>The text after the colon.</summary>
    public string Match { get; }

    /// <summary>The target keys the match substitutes (<c>%(key)s</c>).</summary>
    public IEnumerable<string> TargetKeys => _template.Keys;

    /// <summary>Why the check can never pass as written (Python would raise evaluating it), or null.</summary>
    public string? Error { get; }

    /// <inheritdoc />
    public override bool Evaluate(PolicyCredentials credentials, IPolicyTarget target)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        if (!_template.CanRender(target))
        {
            return false;
        }

        if (_literal is not null)
        {
            return _template.Matches(target, _literal, StringComparison.Ordinal);
        }

        if (!credentials.TryGet(_field, out var scalar, out var list))
        {
            return false;
        }

        if (list is null)
        {
            return _template.Matches(target, scalar, StringComparison.Ordinal);
        }

        foreach (var element in list)
        {
            if (_template.Matches(target, element, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <inheritdoc />
    public override string ToString() => Kind + ":" + Match;

    // What ast.literal_eval makes of the kind: a literal's str(), or a credential path (ValueError),
    // or an error (SyntaxError, which Python would raise out of the enforcer).
    private static (string? Literal, CredentialField Field, string? Error) Classify(string kind)
    {
        if (kind.Length >= 2 && (kind[0] is '\'' or '"') && kind[^1] == kind[0])
        {
            var inner = kind[1..^1];
            return inner.Contains(kind[0], StringComparison.Ordinal) || inner.Contains('\\', StringComparison.Ordinal)
                ? (null, CredentialField.Unknown, $"the literal {kind} is not supported (quotes or escapes inside)")
                : (inner, CredentialField.Unknown, null);
        }

        if (kind is "True" or "False" or "None")
        {
            return (kind, CredentialField.Unknown, null);
        }

        if (TryInteger(kind, out var integer))
        {
            return (integer, CredentialField.Unknown, null);
        }

        if (IsIdentifier(kind))
        {
            return PythonKeywords.Contains(kind)
                ? (null, CredentialField.Unknown, $"'{kind}' is a Python keyword, not a credential")
                : (null, FieldOf(kind), null);
        }

        // A dotted path (a.b) or an expression literal_eval rejects: a credential lookup that
        // finds nothing, since no credential is a mapping.
        return (null, CredentialField.Unknown, null);
    }

    private static CredentialField FieldOf(string name) => name switch
    {
        "user_id" => CredentialField.UserId,
        "user_domain_id" => CredentialField.UserDomainId,
        "system_scope" => CredentialField.SystemScope,
        "system" => CredentialField.System,
        "domain_id" => CredentialField.DomainId,
        "project_id" => CredentialField.ProjectId,
        "project_domain_id" => CredentialField.ProjectDomainId,
        "roles" => CredentialField.Roles,
        "is_admin_project" => CredentialField.IsAdminProject,
        "service_user_id" => CredentialField.ServiceUserId,
        "service_user_domain_id" => CredentialField.ServiceUserDomainId,
        "service_project_id" => CredentialField.ServiceProjectId,
        "service_project_domain_id" => CredentialField.ServiceProjectDomainId,
        "service_roles" => CredentialField.ServiceRoles,
        _ => CredentialField.Unknown,
    };

    private static bool IsIdentifier(string text) =>
        text.Length > 0 && (char.IsAsciiLetter(text[0]) || text[0] == '_') && text.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    // Python 3 integer literals in decimal: optional sign, digits with single underscores between
    // them, no leading zero unless every digit is zero. str() prints them canonically.
    private static bool TryInteger(string text, out string canonical)
    {
        canonical = string.Empty;
        var span = text.AsSpan();
        var negative = false;
        if (span.Length > 0 && span[0] is '+' or '-')
        {
            negative = span[0] == '-';
            span = span[1..];
        }

        if (span.IsEmpty || !char.IsAsciiDigit(span[0]) || !char.IsAsciiDigit(span[^1]) || span.Contains("__", StringComparison.Ordinal))
        {
            return false;
        }

        foreach (var c in span)
        {
            if (!char.IsAsciiDigit(c) && c != '_')
            {
                return false;
            }
        }

        var digits = span.ToString().Replace("_", string.Empty, StringComparison.Ordinal);
        var trimmed = digits.TrimStart('0');
        if (trimmed.Length > 0 && trimmed.Length != digits.Length)
        {
            return false;
        }

        canonical = trimmed.Length == 0 ? "0" : (negative ? "-" : string.Empty) + trimmed;
        return true;
    }
}
