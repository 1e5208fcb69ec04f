namespace Glance.ImageStore.Metadefs;

/// <summary>A resource type associated with a namespace (<c>metadef_namespace_resource_types</c> with the type's name).</summary>
internal sealed record MetadefAssociation(string Name, string? Prefix, string? PropertiesTarget, string CreatedAt, string? UpdatedAt);

/// <summary>A row of <c>metadef_resource_types</c>.</summary>
internal sealed record MetadefResourceType(string Name, string CreatedAt, string? UpdatedAt);

/// <summary>A row of <c>metadef_objects</c>: <see cref="Required"/> comma-joined, <see cref="JsonSchema"/> its properties as stored.</summary>
internal sealed record MetadefObject(string Name, string? Description, string? Required, string JsonSchema, string CreatedAt, string? UpdatedAt);

/// <summary>A row of <c>metadef_properties</c>.</summary>
internal sealed record MetadefProperty(string Name, string JsonSchema, string CreatedAt, string? UpdatedAt);

/// <summary>A row of <c>metadef_tags</c>.</summary>
internal sealed record MetadefTag(string Name, string CreatedAt, string? UpdatedAt);

/// <summary>What a namespace holds, as <c>show</c> lists it.</summary>
internal sealed record MetadefContents(
    IReadOnlyList<MetadefAssociation> Associations,
    IReadOnlyList<MetadefObject> Objects,
    IReadOnlyList<MetadefProperty> Properties,
    IReadOnlyList<MetadefTag> Tags);

/// <summary>A namespace to create, with what the request brings along.</summary>
internal sealed record NewMetadefNamespace(
    string Namespace,
    string? DisplayName,
    string? Description,
    string? Visibility,
    bool? Protected,
    string Owner,
    IReadOnlyList<(string Name, string? Prefix, string? PropertiesTarget)> Associations,
    IReadOnlyList<(string Name, string? Description, string? Required, string JsonSchema)> Objects,
    IReadOnlyList<(string Name, string JsonSchema)> Properties,
    IReadOnlyList<string> Tags);

/// <summary>The selection of a namespace listing.</summary>
internal sealed record MetadefNamespaceQuery(
    bool IsAdmin,
    string? Project,
    string? Visibility,
    IReadOnlyList<string>? ResourceTypes,
    MetadefNamespace? Marker,
    int Limit,
    string SortKey,
    bool Descending);
