namespace Glance.Policy.Language;

/// <summary>
/// <c>role:NAME</c>: passes when the caller has the role, compared case-insensitively. The name
/// may substitute from the target (<c>role:%(key)s</c>), as oslo.policy's RoleCheck allows.
/// </summary>
public sealed class RoleCheck : Check
{
    private readonly MatchTemplate _template;

    /// <summary>Creates the check for the text after <c>role:</c>.</summary>
    public RoleCheck(string match)
    {
        Match = match ?? throw new ArgumentNullException(nameof(match));
        _template = MatchTemplate.Compile(match);
    }

    /// <summary>The text after <c>role:</c>.</summary>
    public string Match { get; }

    /// <summary>Why the match cannot be rendered (the check then never passes), or null.</summary>
    public string? Error => _template.Error;

    /// <inheritdoc />
    public override bool Evaluate(PolicyCredentials credentials, IPolicyTarget target)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        if (_template.Constant is { } constant)
        {
            return credentials.HasRole(constant);
        }

        foreach (var role in credentials.Roles)
        {
            if (_template.Matches(target, role, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <inheritdoc />
    public override string ToString() => "role:" + Match;
}
