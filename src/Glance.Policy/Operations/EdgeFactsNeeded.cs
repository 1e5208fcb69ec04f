namespace Glance.Policy.Operations;

/// <summary>What an operation's decision reads before its rule.</summary>
public enum EdgeFactsNeeded
{
    /// <summary>Nothing stored: the caller (and the request) decide.</summary>
    None,

    /// <summary>The image and, for a shared image, whether the caller's project is a member (its visibility).</summary>
    Image,

    /// <summary>The image and the one member row the member paths read (<see cref="Members.MemberDeletePolicy.MembershipToRead"/>).</summary>
    ImageAndMember,

    /// <summary>The metadef namespace the route names (<see cref="NamespaceFacts"/>).</summary>
    Namespace,
}
