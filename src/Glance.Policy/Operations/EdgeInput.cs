using System.Text.Json;
using Glance.Policy.Members;

namespace Glance.Policy.Operations;

/// <summary>
/// What an operation's decision function reads: the caller (credentials and the rules in force),
/// the ids the router took from the path, the request's method and content type, its JSON body
/// where the operation deserializes one (<see cref="EdgeOperation.ReadsJsonBody"/>), and the facts
/// gathered for <see cref="EdgeOperation.Facts"/>: the image (null when it does not exist, is
/// deleted or is not exactly this id) and the membership rows read.
/// </summary>
public sealed record EdgeInput(Caller Caller, string ImageId, string? MemberId)
{
    private static readonly Dictionary<string, string> NoValues = [];
    private IReadOnlyList<KeyValuePair<string, string>>? _query;

    /// <summary>Every parameter the router took from the path (<c>tag_value</c>, <c>store_id</c>, ...).</summary>
    public IReadOnlyDictionary<string, string> Values { get; init; } = NoValues;

    /// <summary>The query's parameters as webob's <c>request.params</c> holds them (<see cref="MetadefQuery.Parse"/>).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Query
    {
        get => _query ??= MetadefQuery.Parse(RawQuery);
        init => _query = value;
    }

    /// <summary>The raw query string (<c>?a=b</c>), parsed into <see cref="Query"/> only when an operation reads it.</summary>
    /// <summary>True once the decision has read <see cref="Query"/> (a record of the decision needs it then).</summary>
    public bool QueryRead => _query is not null;

    public string? RawQuery { get; init; }

    /// <summary>The route's metadef namespace, or null when it does not exist (<see cref="EdgeFactsNeeded.Namespace"/>).</summary>
    public NamespaceFacts? Namespace { get; init; }

    /// <summary>The image's facts, or null for a lookup miss.</summary>
    public ImageFacts? Image { get; init; }

    /// <summary>The membership rows read.</summary>
    public MembershipFacts Membership { get; init; }

    /// <summary>The request's <c>Content-Type</c>, or null.</summary>
    public string? ContentType { get; init; }

    /// <summary>The request body when the operation reads one and it parsed as JSON; see <see cref="BodyError"/>.</summary>
    public JsonElement? Body { get; init; }

    /// <summary>The refusal the request deserializer answers before anything is read (malformed JSON, media type), or null.</summary>
    public Refusal? BodyError { get; init; }

    /// <summary>The image when Glance's lookup finds it for this caller (<c>is_image_visible</c>), else null.</summary>
    public ImageFacts? VisibleImage =>
        Image is { } image && ImageVisibility.IsVisible(image, Caller.IsAdmin, Caller.ProjectId, Membership.CallerIsMember) ? image : null;
}
