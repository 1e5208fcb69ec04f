namespace Glance.ImageStore.Errors;

/// <summary>Explanation texts shared by several features (webob's and Glance's wording).</summary>
internal static class ErrorMessages
{
    /// <summary>webob's HTTPNotFound explanation, for a path no route takes.</summary>
    public const string ResourceNotFound = "The resource could not be found.";

    /// <summary>The 413 explanation for a request body over the limit.</summary>
    public const string BodyTooLarge = "The request body is too large.";

    /// <summary>Glance's 400 for DELETE with a body.</summary>
    public const string BodyNotExpected = "A body is not expected with this request.";

    /// <summary>Glance's 400 for a body that does not parse as JSON.</summary>
    public const string MalformedJson = "Malformed JSON in request body.";
}
