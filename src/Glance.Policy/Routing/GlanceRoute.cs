namespace Glance.Policy.Routing;

/// <summary>
/// One method a route of Glance's v2 router takes (router.py <c>conditions={'method': [...]}</c>):
/// the controller module (<c>glance/api/v2/&lt;Controller&gt;.py</c>), its action, and
/// <c>body_reject</c> (wsgi.py <c>Resource.__call__</c> answers 400 <c>A body is not expected with
/// this request.</c> to a request with a body before the action runs).
/// </summary>
public sealed record GlanceRouteMethod(string Method, string Controller, string Action, bool BodyReject);

/// <summary>
/// One path template of Glance 25's v2 router (router.py, every <c>mapper.connect</c> on it): the
/// methods connected to an action, in router.py's order, and the <c>allowed_methods</c> of its
/// <c>reject</c> route (the <c>Allow</c> of the 405 answered to any other method), or null when
/// router.py connects no reject route there (any other method then matches no route at all).
/// </summary>
public sealed class GlanceRoute
{
    private readonly string[] _segments;
    private readonly GlanceRouteMethod[] _methods;

    internal GlanceRoute(string template, string? allow, string? redirectLocation, GlanceRouteMethod[] methods)
    {
        Template = template;
        Allow = allow;
        RedirectLocation = redirectLocation;
        _methods = methods;
        _segments = template[1..].Split('/');
        ParameterNames = [.. _segments.Where(IsParameter).Select(s => s[1..^1])];
    }

    /// <summary>The template as the API path: <c>/v2</c> + router.py's path, such as <c>/v2/images/{image_id}/members/{member_id}</c>.</summary>
    public string Template { get; }

    /// <summary>The <c>Allow</c> header of the 405 for a method the route does not take (Glance's text and order); null: no reject route.</summary>
    public string? Allow { get; }

    /// <summary>
    /// For the one route that is not router.py's: wsgi.py <c>Router.__init__</c>'s
    /// <c>mapper.redirect("", "/")</c>, which answers <c>/v2</c> itself, any method, with
    /// <c>302 Found</c> to <c>/v2/</c> (which then matches nothing). Null for every API route.
    /// </summary>
    public string? RedirectLocation { get; }

    /// <summary>The methods connected to an action, in router.py's order (HEAD only where router.py lists it: nowhere in Glance 25).</summary>
    public IReadOnlyList<GlanceRouteMethod> Methods => _methods;

    /// <summary>The names of the template's parameters, in path order (<c>image_id</c>, <c>member_id</c>, ...).</summary>
    public IReadOnlyList<string> ParameterNames { get; }

    /// <summary>The method entry for <paramref name="method"/>, compared exactly (Routes compares <c>REQUEST_METHOD</c> with <c>in</c>); null when the route does not take it.</summary>
    public GlanceRouteMethod? Find(string method)
    {
        ArgumentNullException.ThrowIfNull(method);
        foreach (var entry in _methods)
        {
            if (string.Equals(entry.Method, method, StringComparison.Ordinal))
            {
                return entry;
            }
        }

        return null;
    }

    /// <summary>True when the route takes <paramref name="method"/> (exact, case-sensitive).</summary>
    public bool Takes(string method) => Find(method) is not null;

    /// <inheritdoc />
    public override string ToString() => Template;

    /// <summary>
    /// Matches the canonical segments (<see cref="RequestTarget.Segments"/>) as Routes' regular
    /// expression does: literals exactly, a parameter any one non-empty segment (<c>[^/]+?</c>,
    /// <c>.</c> and <c>..</c> included), and Python's <c>$</c>, which also matches before one final
    /// <c>\n</c>: a path ending in a newline matches as if it were not there when that leaves a
    /// match (the last parameter then goes without it).
    /// </summary>
    internal bool TryMatch(IReadOnlyList<string> segments, out string[] values)
    {
        values = [];
        if (segments.Count != _segments.Length)
        {
            return false;
        }

        var found = new string[ParameterNames.Count];
        var parameter = 0;
        for (var i = 0; i < _segments.Length; i++)
        {
            var expected = _segments[i];
            var actual = segments[i];
            var last = i == _segments.Length - 1;
            if (IsParameter(expected))
            {
                // [^/]+? then $: the shortest value first, so a final "\n" stays out when it can.
                if (last && actual.Length > 1 && actual[^1] == '\n')
                {
                    actual = actual[..^1];
                }

                if (actual.Length == 0)
                {
                    return false;
                }

                found[parameter++] = actual;
            }
            else if (!string.Equals(expected, actual, StringComparison.Ordinal)
                && !(last && actual.Length == expected.Length + 1 && actual[^1] == '\n' && actual.StartsWith(expected, StringComparison.Ordinal)))
            {
                return false;
            }
        }

        values = found;
        return true;
    }

    private static bool IsParameter(string segment) => segment.Length > 2 && segment[0] == '{' && segment[^1] == '}';
}
