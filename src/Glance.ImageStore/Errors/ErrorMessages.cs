namespace Glance.ImageStore.Errors;

/// <summary>Explanation texts shared by several features (webob's and Glance's wording).</summary>
internal static class ErrorMessages
{
    /// <summary>Glance's 400 for a body that does not parse as JSON.</summary>
    public const string MalformedJson = "Malformed JSON in request body.";
}
