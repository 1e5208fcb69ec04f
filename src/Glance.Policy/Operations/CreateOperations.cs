using System.Text.Json;

namespace Glance.Policy.Operations;

/// <summary>
/// Glance 25's <c>POST /v2/images</c> up to and through <c>add_image</c>
/// (glance/api/v2/images.py <c>RequestDeserializer.create</c>, then <c>ImagesController.create</c>):
/// the body must be an object (the image schema's 400), the deserializer's checks (read-only and
/// reserved attributes 403, the schema's 400s, a custom property's name length), then the owner
/// (the body's, else the caller's project) and visibility go to
/// <see cref="ImagePolicy.ForCreate"/>'s <c>add_image</c>. What follows the rule (the image
/// factory's read-only attributes and locations, the quotas, the insert) is the backend's.
/// The schema's enums are Glance's defaults (<c>image_format</c> and <c>schema-image.json</c> as shipped).
/// </summary>
public static class CreateOperations
{
    /// <summary>POST /v2/images: the refusal Glance answers with, or null when the request goes on.</summary>
    public static Refusal? AddImage(EdgeInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.BodyError is { } bad)
        {
            return bad;
        }

        if (input.Body is not { } root)
        {
            return new(400, "Body expected in request.", Reason: "BadRequestBody");
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            return new(400, $"Provided object does not match schema 'image': {PyRepr.Of(root)} is not of type 'object'", Reason: "SchemaViolation");
        }

        if (Deserialize(root) is { } refusal)
        {
            return refusal;
        }

        var (owner, visibility) = OwnerAndVisibility(root, input.Caller);
        return ImagePolicy.ForCreate(input.Caller, owner, visibility).AddImage();
    }

    /// <summary>
    /// The owner <c>ImagesController.create</c> checks and creates with (the body's <c>owner</c>,
    /// None when it is null, else the caller's project) and the requested visibility, or null.
    /// Call only on a body <see cref="Deserialize"/> passed.
    /// </summary>
    public static (string? Owner, string? Visibility) OwnerAndVisibility(JsonElement root, Caller caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var owner = root.TryGetProperty("owner", out var ownerElement)
            ? (ownerElement.ValueKind == JsonValueKind.Null ? null : ownerElement.GetString())
            : caller.ProjectId;
        var visibility = root.TryGetProperty("visibility", out var visibilityElement) ? visibilityElement.GetString() : null;
        return (owner, visibility);
    }

    /// <summary>
    /// <c>RequestDeserializer.create</c>'s checks of an object body, in its order: read-only
    /// attributes (403), the schema (400), then each custom property's name length (400) and
    /// reserved names (403, webob's detail).
    /// </summary>
    public static Refusal? Deserialize(JsonElement root)
    {
        foreach (var property in root.EnumerateObject())
        {
            if (ImageSchemaRules.Disallowed.Contains(property.Name))
            {
                return new(403, $"Attribute '{property.Name}' is read-only.", Reason: "ReadOnlyAttribute");
            }
        }

        foreach (var property in root.EnumerateObject())
        {
            if (ImageSchemaRules.Check(property.Name, property.Value) is { } invalid)
            {
                return new(400, invalid, Reason: "SchemaViolation");
            }
        }

        foreach (var property in root.EnumerateObject())
        {
            if (ImageSchemaRules.Base.Contains(property.Name))
            {
                continue;
            }

            if (property.Name.EnumerateRunes().Count() > 255)
            {
                return new(400, "Custom property should not be greater than 255 characters.", Reason: "PropertyNameTooLong");
            }

            if (ImageSchemaRules.IsReserved(property.Name))
            {
                return Refusal.WithDetail(403, $"Attribute '{property.Name}' is reserved.") with { Reason = "ReservedAttribute" };
            }
        }

        return null;
    }
}
