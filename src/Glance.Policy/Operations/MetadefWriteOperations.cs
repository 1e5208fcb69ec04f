using System.Text.Json;
using Glance.Policy.Errors;
using Glance.Policy.Rules;

namespace Glance.Policy.Operations;

/// <summary>
/// Glance 25's metadef writes that carry a body (glance/api/v2/metadef_*.py) up to and through
/// their rules: the deserializer (<see cref="EdgeInput.BodyError"/>, then <see cref="MetadefBodies"/>),
/// the namespace lookup (missing or not visible: 404), then the rule over the namespace
/// (<see cref="MetadefPolicy"/>: refused, a bare 404 when <c>get_metadef_namespace</c> refuses
/// too, else 403 naming the rule). What follows the rule (the child row's 404, a duplicate's 409,
/// the write) is the backend's.
/// </summary>
public static class MetadefWriteOperations
{
    /// <summary>
    /// PUT /v2/metadefs/namespaces/{namespace} (<c>NamespaceController.update</c>): the namespace
    /// body, the namespace (missing or not visible: 404 <c>Namespace X not found</c>), then
    /// <c>modify_metadef_namespace</c>.
    /// </summary>
    public static Refusal? UpdateNamespace(EdgeInput input) =>
        Write(input, MetadefBodies.Namespace, missingIsNotFound: false, PolicyRuleNames.ModifyMetadefNamespace);

    /// <summary>
    /// POST /v2/metadefs/namespaces/{namespace}/objects (<c>MetadefObjectsController.create</c>):
    /// the object body (with its definitions against the property schema), the namespace (missing:
    /// 404 <c>Metadata definition namespace=X was not found.</c>), then <c>add_metadef_object</c>.
    /// </summary>
    public static Refusal? AddObject(EdgeInput input) =>
        Write(input, root => MetadefBodies.MetadefObject(root, create: true), missingIsNotFound: true, PolicyRuleNames.AddMetadefObject);

    /// <summary>
    /// PUT /v2/metadefs/namespaces/{namespace}/objects/{object_name}
    /// (<c>MetadefObjectsController.update</c>): the object body, the namespace (missing: 404
    /// <c>Metadata definition namespace=X was not found.</c>), then <c>modify_metadef_object</c>.
    /// </summary>
    public static Refusal? UpdateObject(EdgeInput input) =>
        Write(input, root => MetadefBodies.MetadefObject(root, create: false), missingIsNotFound: true, PolicyRuleNames.ModifyMetadefObject);

    /// <summary>
    /// POST /v2/metadefs/namespaces/{namespace}/properties (<c>NamespacePropertiesController.create</c>):
    /// the property body, the namespace, then <c>add_metadef_property</c>.
    /// </summary>
    public static Refusal? AddProperty(EdgeInput input) =>
        Write(input, MetadefBodies.Property, missingIsNotFound: false, PolicyRuleNames.AddMetadefProperty);

    /// <summary>
    /// PUT /v2/metadefs/namespaces/{namespace}/properties/{property_name}
    /// (<c>NamespacePropertiesController.update</c>): the property body, the namespace, then
    /// <c>modify_metadef_property</c>.
    /// </summary>
    public static Refusal? UpdateProperty(EdgeInput input) =>
        Write(input, MetadefBodies.Property, missingIsNotFound: false, PolicyRuleNames.ModifyMetadefProperty);

    /// <summary>
    /// PUT /v2/metadefs/namespaces/{namespace}/tags/{tag_name} (<c>TagsController.update</c>): the
    /// tag body, the namespace, then <c>modify_metadef_tag</c>.
    /// </summary>
    public static Refusal? UpdateTag(EdgeInput input) =>
        Write(input, MetadefBodies.Tag, missingIsNotFound: false, PolicyRuleNames.ModifyMetadefTag);

    /// <summary>
    /// POST /v2/metadefs/namespaces/{namespace}/tags (<c>TagsController.create_tags</c>): the tag
    /// list body, the namespace, then <c>add_metadef_tags</c>. <c>X-Openstack-Append</c> is read
    /// after the rule: the backend's.
    /// </summary>
    public static Refusal? AddTags(EdgeInput input) =>
        Write(input, MetadefBodies.Tags, missingIsNotFound: false, PolicyRuleNames.AddMetadefTags);

    /// <summary>
    /// POST /v2/metadefs/namespaces/{namespace}/resource_types (<c>ResourceTypeController.create</c>):
    /// the association body, the namespace, then <c>add_metadef_resource_type_association</c>.
    /// </summary>
    public static Refusal? AddResourceTypeAssociation(EdgeInput input) =>
        Write(input, MetadefBodies.ResourceTypeAssociation, missingIsNotFound: false, PolicyRuleNames.AddMetadefResourceTypeAssociation);

    /// <summary>POST /v2/metadefs/namespaces/{namespace}/tags/{tag_name}: <see cref="AddTag(Caller, string, NamespaceFacts?, string)"/>.</summary>
    public static Refusal? AddTag(EdgeInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return AddTag(input.Caller, MetadefOperations.NamespaceName(input), input.Namespace, input.Values.TryGetValue("tag_name", out var tag) ? tag : string.Empty);
    }

    /// <summary>
    /// POST /v2/metadefs/namespaces/{namespace}/tags/{tag_name} (<c>TagsController.create</c>, no
    /// body): the namespace (missing or not visible: 404 <c>Namespace X not found</c>), the path's
    /// name against the tag schema (<see cref="MetadefBodies.TagName"/>), then <c>add_metadef_tag</c>.
    /// </summary>
    public static Refusal? AddTag(Caller caller, string name, NamespaceFacts? ns, string tagName)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(tagName);
        return MetadefOperations.Lookup(caller, name, ns, missingIsNotFound: false)
            ?? MetadefBodies.TagName(tagName)
            ?? MetadefPolicy.For(caller, ns!.Owner, ns.Visibility).Enforce(PolicyRuleNames.AddMetadefTag);
    }

    /// <summary>
    /// A body write's steps: the deserializer (the body's read error, then <paramref name="checkBody"/>),
    /// then <see cref="MetadefOperations.InNamespace(Caller, string, NamespaceFacts?, bool, string[])"/>.
    /// </summary>
    private static Refusal? Write(EdgeInput input, Func<JsonElement, Refusal?> checkBody, bool missingIsNotFound, string rule)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.BodyError is { } error)
        {
            return error;
        }

        if (input.Body is not { } body)
        {
            return new Refusal(500, GlanceErrorWriter.InternalError, Reason: "InternalError");
        }

        return checkBody(body)
            ?? MetadefOperations.InNamespace(input.Caller, MetadefOperations.NamespaceName(input), input.Namespace, missingIsNotFound, rule);
    }
}
