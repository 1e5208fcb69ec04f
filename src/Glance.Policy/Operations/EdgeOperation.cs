using Glance.Policy.Members;
using Glance.Policy.Routing;

namespace Glance.Policy.Operations;

/// <summary>
/// One policy-checked operation of Glance's router, as the edge decides it: its name (the
/// <c>EdgePolicy:Operations:&lt;name&gt;</c> key, the audit's <c>Operation</c> and the metric's
/// label), the controller and action Glance's router names for it, the rule an allow is recorded
/// with, the facts its decision reads, whether it reads the JSON body, its mode when the operator
/// sets none (and why, when that is not <see cref="EdgeMode.Enforce"/>), and its decision
/// function, pure over an <see cref="EdgeInput"/>.
/// </summary>
public sealed class EdgeOperation
{
    private readonly Func<EdgeInput, EdgeDecision> _decide;

    internal EdgeOperation(string name, string controller, string action, string rule, EdgeFactsNeeded facts, bool readsJsonBody, Func<EdgeInput, EdgeDecision> decide, EdgeMode defaultMode, string? defaultModeReason)
    {
        Name = name;
        Controller = controller;
        Action = action;
        Rule = rule;
        Facts = facts;
        ReadsJsonBody = readsJsonBody;
        _decide = decide;
        DefaultMode = defaultMode;
        DefaultModeReason = defaultModeReason;
    }

    /// <summary>The operation's name.</summary>
    public string Name { get; }

    /// <summary>The controller module Glance's router routes to.</summary>
    public string Controller { get; }

    /// <summary>The controller's action.</summary>
    public string Action { get; }

    /// <summary>The oslo.policy rule an allow is recorded with (the last one the sequence checks).</summary>
    public string Rule { get; }

    /// <summary>What the decision reads before its rule.</summary>
    public EdgeFactsNeeded Facts { get; }

    /// <summary>True when the request's JSON body takes part (Glance deserializes it before the controller).</summary>
    public bool ReadsJsonBody { get; }

    /// <summary>The mode when <c>EdgePolicy:Operations</c> does not name the operation.</summary>
    public EdgeMode DefaultMode { get; }

    /// <summary>Why the default is not <see cref="EdgeMode.Enforce"/>, or null.</summary>
    public string? DefaultModeReason { get; }

    /// <summary>Decides the request.</summary>
    public EdgeDecision Decide(EdgeInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return _decide(input);
    }

    /// <summary>True when <paramref name="operation"/> is this operation's route method.</summary>
    public bool Matches(GlanceRouteMethod operation)
    {
        ArgumentNullException.ThrowIfNull(operation);
        return operation.Controller == Controller && operation.Action == Action;
    }

    /// <summary>
    /// The member row to read with the image for this caller (see <see cref="EdgeFactsNeeded"/>),
    /// once the image's visibility and owner are known; null when no row takes part.
    /// </summary>
    public string? MembershipToRead(bool isAdmin, string? project, string visibility, string? owner, string? memberId) => Facts switch
    {
        EdgeFactsNeeded.ImageAndMember when memberId is not null => MemberDeletePolicy.MembershipToRead(isAdmin, project, visibility, owner, memberId),
        EdgeFactsNeeded.Image or EdgeFactsNeeded.ImageAndMember =>
            visibility == ImageVisibility.Shared && !isAdmin && !string.Equals(project, owner, StringComparison.Ordinal) ? project : null,
        _ => null,
    };

    /// <summary>The facts of the row <see cref="MembershipToRead"/> chose, for <see cref="EdgeInput.Membership"/>.</summary>
    public static MembershipFacts Membership(string? probe, bool probeIsMember, string? project, string? memberId) => new(
        CallerIsMember: probeIsMember && probe is not null && string.Equals(probe, project, StringComparison.Ordinal),
        MemberExists: probeIsMember && probe is not null && memberId is not null && string.Equals(probe, memberId, StringComparison.Ordinal));

    /// <inheritdoc />
    public override string ToString() => $"{Name} ({Controller}.{Action})";
}
