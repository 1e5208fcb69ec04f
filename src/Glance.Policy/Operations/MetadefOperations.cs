using System.Globalization;
using System.Text.Json;
using Glance.Policy.Errors;
using Glance.Policy.Rules;

namespace Glance.Policy.Operations;

/// <summary>
/// Glance 25's metadata definitions API (glance/api/v2/metadef_*.py) up to and through its rules,
/// over <see cref="MetadefPolicy"/>: the deserializer's checks of the query (or body) first, then,
/// for a path under a namespace, the namespace lookup (<see cref="EdgeInput.Namespace"/>: missing or
/// not visible is a 404), then the rules. What follows the rules (a marker, a child row, the write)
/// is the backend's.
/// </summary>
public static class MetadefOperations
{
    // CONF.limit_param_default.
    private const int DefaultLimit = 25;

    private static Refusal InternalError => new(500, GlanceErrorWriter.InternalError, Reason: "InternalError");

    /// <summary>
    /// GET /v2/metadefs/resource_types (<c>ResourceTypeController.index</c>):
    /// <c>list_metadef_resource_types</c> on <c>{project_id: the caller's project}</c>; refused,
    /// a bare 404 when <c>get_metadef_namespace</c> refuses on that target too, else 403 naming it.
    /// </summary>
    public static Refusal? ListResourceTypes(EdgeInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return MetadefPolicy.For(input.Caller).Enforce(PolicyRuleNames.ListMetadefResourceTypes);
    }

    /// <summary>GET /v2/metadefs/namespaces: <see cref="ListNamespaces(Caller, IReadOnlyList{KeyValuePair{string, string}})"/>.</summary>
    public static Refusal? ListNamespaces(EdgeInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return ListNamespaces(input.Caller, input.Query);
    }

    /// <summary>
    /// GET /v2/metadefs/namespaces (<c>NamespaceController.index</c>), the deserializer first:
    /// <c>int(limit)</c> (default 25; not an integer raises <c>ValueError</c> outside any handler,
    /// a 500), <c>sort_dir</c> (400 <c>Invalid sort direction: X</c>), <c>visibility</c> (public
    /// or private, else 400 <c>Invalid visibility value: X</c>), a negative limit (400 <c>limit
    /// param must be positive</c>); then <c>get_metadef_namespaces</c> and
    /// <c>list_metadef_resource_types</c> on <c>{project_id: the caller's project}</c>. The marker
    /// and the sort key are read after the rules: the backend's.
    /// </summary>
    public static Refusal? ListNamespaces(Caller caller, IReadOnlyList<KeyValuePair<string, string>> query)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(query);
        if (!int.TryParse(MetadefQuery.Get(query, "limit") ?? DefaultLimit.ToString(CultureInfo.InvariantCulture), NumberStyles.AllowLeadingSign | NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite, CultureInfo.InvariantCulture, out var limit))
        {
            return InternalError;
        }

        var sortDir = MetadefQuery.Get(query, "sort_dir") ?? "desc";
        if (sortDir is not ("asc" or "desc"))
        {
            return BadRequest($"Invalid sort direction: {sortDir}");
        }

        if (CheckVisibility(query, shared: false) is { } invalid)
        {
            return invalid;
        }

        if (limit < 0)
        {
            return BadRequest("limit param must be positive");
        }

        return MetadefPolicy.For(caller).Enforce(PolicyRuleNames.GetMetadefNamespaces, PolicyRuleNames.ListMetadefResourceTypes);
    }

    /// <summary>
    /// POST /v2/metadefs/namespaces (<c>NamespaceController.create</c>), the deserializer first: no
    /// body or malformed JSON (<see cref="EdgeInput.BodyError"/>), then the namespace body
    /// (<see cref="MetadefBodies.Namespace"/>: a JSON array or a definition WSME cannot convert is
    /// a 500, a read-only attribute a 403, the namespace schema a 400); then
    /// <see cref="AddNamespaceRules"/>.
    /// </summary>
    public static Refusal? AddNamespace(EdgeInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.BodyError is { } error)
        {
            return error;
        }

        if (input.Body is not { } body)
        {
            return InternalError;
        }

        return MetadefBodies.Namespace(body) ?? AddNamespaceRules(input.Caller, body);
    }

    /// <summary>
    /// <c>NamespaceController.create</c>'s rules on <c>{project_id: the caller's project}</c>:
    /// <c>add_metadef_namespace</c>, then for each non-empty list of the body
    /// (<c>resource_type_associations</c>, <c>objects</c>, <c>properties</c>, <c>tags</c>) its add rule.
    /// </summary>
    public static Refusal? AddNamespaceRules(Caller caller, JsonElement body)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var rules = new List<string> { PolicyRuleNames.AddMetadefNamespace };
        if (NonEmpty(body, "resource_type_associations"))
        {
            rules.Add(PolicyRuleNames.AddMetadefResourceTypeAssociation);
        }

        if (NonEmpty(body, "objects"))
        {
            rules.Add(PolicyRuleNames.AddMetadefObject);
        }

        if (NonEmpty(body, "properties"))
        {
            rules.Add(PolicyRuleNames.AddMetadefProperty);
        }

        if (NonEmpty(body, "tags"))
        {
            rules.Add(PolicyRuleNames.AddMetadefTag);
        }

        return MetadefPolicy.For(caller).Enforce([.. rules]);
    }

    /// <summary>GET /v2/metadefs/namespaces/{namespace}: <see cref="ShowNamespace(Caller, IReadOnlyList{KeyValuePair{string, string}}, string, NamespaceFacts?)"/>.</summary>
    public static Refusal? ShowNamespace(EdgeInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return ShowNamespace(input.Caller, input.Query, NamespaceName(input), input.Namespace);
    }

    /// <summary>
    /// GET /v2/metadefs/namespaces/{namespace} (<c>NamespaceController.show</c>): the query's
    /// <c>visibility</c> (public or private, else 400), the namespace (missing: 404
    /// <c>Metadata definition namespace=X was not found.</c>; not visible, or
    /// <c>get_metadef_namespace</c> refused: a bare 404), then <c>list_metadef_resource_types</c>,
    /// <c>get_metadef_objects</c>, <c>get_metadef_properties</c> and <c>get_metadef_tags</c> over it.
    /// </summary>
    public static Refusal? ShowNamespace(Caller caller, IReadOnlyList<KeyValuePair<string, string>> query, string name, NamespaceFacts? ns)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(query);
        if (CheckVisibility(query, shared: false) is { } invalid)
        {
            return invalid;
        }

        if (ns is null)
        {
            return new Refusal(404, NamespaceNotFound(name), Reason: "NamespaceNotFound");
        }

        var policy = MetadefPolicy.For(caller, ns.Owner, ns.Visibility);
        if (!ns.IsVisibleTo(caller.IsAdmin, caller.ProjectId))
        {
            return Refusal.ResourceNotFound with { Reason = "NamespaceNotVisible" };
        }

        if (policy.Enforce(PolicyRuleNames.GetMetadefNamespace) is { } hidden)
        {
            return hidden;
        }

        return policy.Enforce(PolicyRuleNames.ListMetadefResourceTypes, PolicyRuleNames.GetMetadefObjects, PolicyRuleNames.GetMetadefProperties, PolicyRuleNames.GetMetadefTags);
    }

    /// <summary>
    /// GET /v2/metadefs/namespaces/{namespace}/objects (<c>MetadefObjectsController.index</c>): the
    /// listing's query (<see cref="CheckListing"/>, a limit of 0 refused), the namespace (missing:
    /// 404 <c>Metadata definition namespace=X was not found.</c>, not visible: 404 <c>Namespace X
    /// not found</c>), then <c>get_metadef_objects</c>.
    /// </summary>
    public static Refusal? ListObjects(EdgeInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return CheckListing(input.Query, zeroLimitIsPositive: false)
            ?? InNamespace(input, missingIsNotFound: true, PolicyRuleNames.GetMetadefObjects);
    }

    /// <summary>
    /// GET /v2/metadefs/namespaces/{namespace}/properties (<c>NamespacePropertiesController.index</c>):
    /// the namespace (missing or not visible: 404 <c>Namespace X not found</c>), then <c>get_metadef_properties</c>.
    /// </summary>
    public static Refusal? ListProperties(EdgeInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return InNamespace(input, missingIsNotFound: false, PolicyRuleNames.GetMetadefProperties);
    }

    /// <summary>
    /// GET /v2/metadefs/namespaces/{namespace}/tags (<c>TagsController.index</c>): the listing's
    /// query (<see cref="CheckListing"/>, a limit of 0 taken as none), the namespace (missing or
    /// not visible: 404 <c>Namespace X not found</c>), then <c>get_metadef_tags</c>. The marker is
    /// read after the rule: the backend's.
    /// </summary>
    public static Refusal? ListTags(EdgeInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return CheckListing(input.Query, zeroLimitIsPositive: true)
            ?? InNamespace(input, missingIsNotFound: false, PolicyRuleNames.GetMetadefTags);
    }

    /// <summary>
    /// The objects' and tags' deserializers, in their order: <c>sort_dir</c> (400 <c>Invalid sort
    /// direction: X</c>), <c>visibility</c> (public, private or shared), then <c>limit</c> (400
    /// <c>limit param must be an integer</c> / <c>must be positive</c>; the objects' refuse 0 and
    /// read an empty limit, the tags' take 0 and an empty limit as none). Null when they pass.
    /// </summary>
    public static Refusal? CheckListing(IReadOnlyList<KeyValuePair<string, string>> query, bool zeroLimitIsPositive)
    {
        ArgumentNullException.ThrowIfNull(query);
        var sortDir = MetadefQuery.Get(query, "sort_dir") ?? "desc";
        if (sortDir is not ("asc" or "desc"))
        {
            return BadRequest($"Invalid sort direction: {sortDir}");
        }

        if (CheckVisibility(query, shared: true) is { } invalid)
        {
            return invalid;
        }

        var limitText = MetadefQuery.Get(query, "limit");
        if (zeroLimitIsPositive ? !string.IsNullOrEmpty(limitText) : limitText is not null)
        {
            if (!int.TryParse(limitText, NumberStyles.AllowLeadingSign | NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite, CultureInfo.InvariantCulture, out var value))
            {
                return BadRequest("limit param must be an integer");
            }

            if (zeroLimitIsPositive ? value < 0 : value <= 0)
            {
                return BadRequest("limit param must be positive");
            }
        }

        return null;
    }

    /// <summary>
    /// The lookup of the controllers under a namespace: missing or not visible is 404 <c>Namespace
    /// X not found</c> (with <paramref name="missingIsNotFound"/>, a missing one is <c>Metadata
    /// definition namespace=X was not found.</c>); null when found and visible.
    /// </summary>
    public static Refusal? Lookup(Caller caller, string name, NamespaceFacts? ns, bool missingIsNotFound)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (ns is not null && ns.IsVisibleTo(caller.IsAdmin, caller.ProjectId))
        {
            return null;
        }

        return new Refusal(404, ns is null && missingIsNotFound ? NamespaceNotFound(name) : $"Namespace {name} not found", Reason: ns is null ? "NamespaceNotFound" : "NamespaceNotVisible");
    }

    /// <summary><c>MetadefNamespaceNotFound</c>'s message.</summary>
    public static string NamespaceNotFound(string name) => $"Metadata definition namespace={name} was not found.";

    /// <summary>The route's <c>{namespace}</c>.</summary>
    public static string NamespaceName(EdgeInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input.Values.TryGetValue("namespace", out var name) ? name : string.Empty;
    }

    /// <summary>
    /// GET /v2/metadefs/namespaces/{namespace}/objects/{object_name} (<c>MetadefObjectsController.show</c>):
    /// the namespace (missing: <c>Metadata definition namespace=X was not found.</c>), then
    /// <c>get_metadef_object</c>; the object's own 404 is the backend's.
    /// </summary>
    public static Refusal? ShowObject(EdgeInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return InNamespace(input, missingIsNotFound: true, PolicyRuleNames.GetMetadefObject);
    }

    /// <summary>
    /// GET /v2/metadefs/namespaces/{namespace}/properties/{property_name}
    /// (<c>NamespacePropertiesController.show</c>): the namespace, then <c>get_metadef_property</c>;
    /// the property's own 404 is the backend's.
    /// </summary>
    public static Refusal? ShowProperty(EdgeInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return InNamespace(input, missingIsNotFound: false, PolicyRuleNames.GetMetadefProperty);
    }

    /// <summary>
    /// GET /v2/metadefs/namespaces/{namespace}/tags/{tag_name} (<c>TagsController.show</c>): the
    /// namespace, then <c>get_metadef_tag</c>; the tag's own 404 is the backend's.
    /// </summary>
    public static Refusal? ShowTag(EdgeInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return InNamespace(input, missingIsNotFound: false, PolicyRuleNames.GetMetadefTag);
    }

    /// <summary>
    /// DELETE /v2/metadefs/namespaces/{namespace} (<c>NamespaceController.delete</c>): the
    /// namespace, then <c>delete_metadef_namespace</c>; a protected namespace's 403 is the backend's.
    /// </summary>
    public static Refusal? DeleteNamespace(EdgeInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return InNamespace(input, missingIsNotFound: false, PolicyRuleNames.DeleteMetadefNamespace);
    }

    /// <summary>
    /// DELETE /v2/metadefs/namespaces/{namespace}/objects/{object_name}
    /// (<c>MetadefObjectsController.delete</c>): the namespace (missing: <c>Metadata definition
    /// namespace=X was not found.</c>), then <c>delete_metadef_object</c>; the object's 404 and a
    /// protected namespace's 403 are the backend's.
    /// </summary>
    public static Refusal? DeleteObject(EdgeInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return InNamespace(input, missingIsNotFound: true, PolicyRuleNames.DeleteMetadefObject);
    }

    /// <summary>
    /// DELETE /v2/metadefs/namespaces/{namespace}/properties/{property_name}
    /// (<c>NamespacePropertiesController.delete</c>): the namespace, then
    /// <c>remove_metadef_property</c>; the property's 404 and the protected 403 are the backend's.
    /// </summary>
    public static Refusal? DeleteProperty(EdgeInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return InNamespace(input, missingIsNotFound: false, PolicyRuleNames.RemoveMetadefProperty);
    }

    /// <summary>
    /// DELETE /v2/metadefs/namespaces/{namespace}/tags/{tag_name} (<c>TagsController.delete</c>):
    /// the namespace, then <c>delete_metadef_tag</c>; the tag's 404 and the protected 403 are the backend's.
    /// </summary>
    public static Refusal? DeleteTag(EdgeInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return InNamespace(input, missingIsNotFound: false, PolicyRuleNames.DeleteMetadefTag);
    }

    /// <summary>
    /// GET /v2/metadefs/namespaces/{namespace}/resource_types (<c>ResourceTypeController.show</c>):
    /// the namespace (missing or not visible: 404 <c>Namespace X not found</c>), then
    /// <c>list_metadef_resource_types</c> over it; the per-association <c>get_metadef_resource_type</c>
    /// filter is the backend's.
    /// </summary>
    public static Refusal? ListResourceTypeAssociations(EdgeInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return InNamespace(input, missingIsNotFound: false, PolicyRuleNames.ListMetadefResourceTypes);
    }

    /// <summary>
    /// DELETE /v2/metadefs/namespaces/{namespace}/resource_types/{resource_type}
    /// (<c>ResourceTypeController.delete</c>): the namespace, then
    /// <c>remove_metadef_resource_type_association</c>; the association's 404 is the backend's.
    /// </summary>
    public static Refusal? RemoveResourceTypeAssociation(EdgeInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return InNamespace(input, missingIsNotFound: false, PolicyRuleNames.RemoveMetadefResourceTypeAssociation);
    }

    /// <summary>
    /// DELETE /v2/metadefs/namespaces/{namespace}/objects, /properties or /tags
    /// (<c>NamespaceController.delete_objects</c>, <c>delete_properties</c>, <c>delete_tags</c>):
    /// the namespace (missing or not visible: 404 <c>Namespace X not found</c>), then
    /// <c>delete_metadef_namespace</c>, and for the tags <c>delete_metadef_tags</c>; a protected
    /// namespace's 403 is the backend's.
    /// </summary>
    public static Refusal? DeleteContents(EdgeInput input, bool tags)
    {
        ArgumentNullException.ThrowIfNull(input);
        return tags
            ? InNamespace(input, missingIsNotFound: false, PolicyRuleNames.DeleteMetadefNamespace, PolicyRuleNames.DeleteMetadefTags)
            : InNamespace(input, missingIsNotFound: false, PolicyRuleNames.DeleteMetadefNamespace);
    }

    /// <summary>
    /// The steps of every controller under a namespace before its work: <see cref="Lookup"/>, then
    /// <paramref name="rules"/> in order over the namespace. Null when both pass.
    /// </summary>
    public static Refusal? InNamespace(Caller caller, string name, NamespaceFacts? ns, bool missingIsNotFound, params string[] rules)
    {
        ArgumentNullException.ThrowIfNull(caller);
        return Lookup(caller, name, ns, missingIsNotFound)
            ?? MetadefPolicy.For(caller, ns!.Owner, ns.Visibility).Enforce(rules);
    }

    private static Refusal? InNamespace(EdgeInput input, bool missingIsNotFound, params string[] rules) =>
        InNamespace(input.Caller, NamespaceName(input), input.Namespace, missingIsNotFound, rules);

    private static Refusal? CheckVisibility(IReadOnlyList<KeyValuePair<string, string>> query, bool shared)
    {
        var visibility = MetadefQuery.Get(query, "visibility");
        return string.IsNullOrEmpty(visibility) || visibility is "public" or "private" || (shared && visibility == "shared")
            ? null
            : BadRequest($"Invalid visibility value: {visibility}");
    }

    private static Refusal BadRequest(string explanation) => new(400, explanation, Reason: "InvalidQuery");

    private static bool NonEmpty(JsonElement root, string name) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty(name, out var value) && value.ValueKind switch
        {
            JsonValueKind.Array => value.GetArrayLength() > 0,
            JsonValueKind.Object => value.EnumerateObject().Any(),
            _ => false,
        };
}
