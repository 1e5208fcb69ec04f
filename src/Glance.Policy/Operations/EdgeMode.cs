namespace Glance.Policy.Operations;

/// <summary>What the gateway does with an operation's decision (<c>EdgePolicy:Operations:&lt;operation&gt;</c>).</summary>
public enum EdgeMode
{
    /// <summary>Decide; answer a refusal at the edge, forward an allow.</summary>
    Enforce,

    /// <summary>Decide and record the prediction, forward anyway, compare with the backend's answer.</summary>
    Shadow,

    /// <summary>Forward undecided (still authenticated, and audited as forwarded): the backend decides.</summary>
    Off,
}
