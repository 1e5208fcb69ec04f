using System.Text.Json;
using Glance.ImageStore.Import;

namespace Glance.ImageStore.Tasks;

/// <summary>
/// Glance 25.1's <c>validate_legacy_import_from_uri</c> (glance/common/scripts/utils.py) over an
/// <c>import</c> task's <c>import_from</c>: <c>validate_location_uri</c> (none or empty:
/// <c>Invalid location: …</c>; <c>file:///</c> and <c>filesystem:///</c> refused; anything but
/// <c>http://</c> and <c>https://</c> not supported), then the web-download filter
/// (<see cref="ImportUriFilter"/>, <c>[import_filtering_opts]</c>). The controller answers each
/// refusal with a 400, the executor fails the task with it.
/// </summary>
internal static class LegacyImportUri
{
    /// <summary>What the refusal is: Glance answers 500 for an <c>import_from</c> that is not a string (its <c>startswith</c> fails).</summary>
    public enum Outcome
    {
        Valid,
        Refused,
        NotAString,
    }

    /// <summary>The URI checked, and the explanation of a refusal.</summary>
    public static async Task<(Outcome Outcome, string Message)> ValidateAsync(ImportUriFilter filter, JsonElement input, CancellationToken cancellationToken)
    {
        // task.get('input') or {}, then .get('import_from').
        var location = input.ValueKind == JsonValueKind.Object && input.TryGetProperty("import_from", out var value) ? value : default;
        if (IsFalsy(location))
        {
            return (Outcome.Refused, "Invalid location: " + PythonStr(location));
        }

        if (location.ValueKind != JsonValueKind.String)
        {
            return (Outcome.NotAString, string.Empty);
        }

        var uri = location.GetString()!;
        if (uri.StartsWith("file:///", StringComparison.Ordinal) || uri.StartsWith("filesystem:///", StringComparison.Ordinal))
        {
            return (Outcome.Refused, "File based imports are not allowed. Please use a non-local source of image data.");
        }

        if (!uri.StartsWith("http://", StringComparison.Ordinal) && !uri.StartsWith("https://", StringComparison.Ordinal))
        {
            return (Outcome.Refused, "The given uri is not valid. Please specify a valid uri from the following list of supported uri ['http']");
        }

        var (address, _) = await filter.ValidateAsync(uri, cancellationToken);
        return address is null ? (Outcome.Refused, "URI for legacy import task does not pass filtering: " + uri) : (Outcome.Valid, uri);
    }

    // Python's truth of the value (a missing key is None).
    private static bool IsFalsy(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Undefined or JsonValueKind.Null or JsonValueKind.False => true,
        JsonValueKind.String => value.GetString()!.Length == 0,
        JsonValueKind.Number => value.TryGetDouble(out var number) && number == 0,
        JsonValueKind.Array => value.GetArrayLength() == 0,
        JsonValueKind.Object => !value.EnumerateObject().Any(),
        _ => false,
    };

    // str() of a falsy value in "Invalid location: %s".
    private static string PythonStr(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Undefined or JsonValueKind.Null => "None",
        JsonValueKind.False => "False",
        JsonValueKind.String => string.Empty,
        JsonValueKind.Array => "[]",
        JsonValueKind.Object => "{}",
        _ => value.GetRawText(),
    };
}
