using System.Text.Json;
using Glance.Policy.Errors;

namespace Glance.Policy.Operations;

/// <summary>
/// The body of <c>POST /v2/images/{image_id}/import</c> as Glance's
/// <c>RequestDeserializer._validate_import_body</c> checks it, in its order. Where Glance's
/// ad-hoc checks index into something that is not a mapping (a list body, a string
/// <c>method</c>) Python raises <c>TypeError</c> and Glance answers 500; so does this.
/// </summary>
public sealed record ImportRequest(string Method, JsonElement Uri, JsonElement Url, bool AllStoresMustSucceed, JsonElement Body)
{
    /// <summary>The request, or the refusal Glance answers with.</summary>
    public static (ImportRequest? Request, Refusal? Refusal) Parse(JsonElement body, IReadOnlyCollection<string> enabledMethods)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            return (null, new(500, GlanceErrorWriter.InternalError));
        }

        if (!body.TryGetProperty("method", out var method))
        {
            return (null, new(400, "Import request requires a 'method' field."));
        }

        if (method.ValueKind != JsonValueKind.Object)
        {
            // method['name'] on a list, a string or None.
            return (null, new(500, GlanceErrorWriter.InternalError));
        }

        if (!method.TryGetProperty("name", out var name))
        {
            return (null, new(400, "Import request requires a 'name' field."));
        }

        var methodName = name.ValueKind == JsonValueKind.String ? name.GetString()! : null;
        if (methodName is null || !enabledMethods.Contains(methodName))
        {
            return (null, new(400, $"Unknown import method name '{PyStr(name)}'."));
        }

        var allStoresMustSucceed = true;
        if (body.TryGetProperty("all_stores_must_succeed", out var mustSucceed))
        {
            if (mustSucceed.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                return (null, new(400, "'all_stores_must_succeed' must be boolean value only"));
            }

            allStoresMustSucceed = mustSucceed.GetBoolean();
        }

        if (body.TryGetProperty("all_stores", out var allStores) && allStores.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            return (null, new(400, "'all_stores' must be boolean value only"));
        }

        return (new(methodName, method.TryGetProperty("uri", out var uri) ? uri : default,
            body.TryGetProperty("url", out var url) ? url : default, allStoresMustSucceed, body), null);
    }

    /// <summary>Python's <c>str()</c> of a JSON value, as <c>%s</c> formats it.</summary>
    public static string PyStr(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Undefined => "None",
        JsonValueKind.String => value.GetString()!,
        _ => PyRepr.Of(value),
    };
}
