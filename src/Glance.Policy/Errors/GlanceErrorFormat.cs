namespace Glance.Policy.Errors;

/// <summary>The three body formats webob chooses between for an error response.</summary>
public enum GlanceErrorFormat
{
    /// <summary><c>text/plain; charset=UTF-8</c>: no Accept header, text/plain, or anything unmatched.</summary>
    Plain,

    /// <summary><c>text/html; charset=UTF-8</c>: */*, text/html, or a list whose best match is text/html.</summary>
    Html,

    /// <summary><c>application/json</c>.</summary>
    Json,
}
