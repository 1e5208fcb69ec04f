using System.Diagnostics.CodeAnalysis;

namespace Glance.Policy.Routing;

/// <summary>
/// Glance 25's v2 route table as data (glance/api/v2/router.py <c>API.__init__</c>, every
/// <c>mapper.connect</c>), and its router's answer for a request target (glance/common/wsgi.py
/// <c>Router</c>, <c>RejectMethodController</c>; routes/middleware.py): each template with the
/// methods connected to an action (HEAD only where router.py lists it: nowhere), and the
/// <c>allowed_methods</c> of its <c>reject</c> route, which takes every other method with a 405.
/// Every route is here, whether the hosted store implements it or not, so that a gateway can
/// answer at the edge what the router answers itself (405, 404, 501, the <c>/v2</c> redirect).
/// </summary>
public static class GlanceRoutes
{
    private static readonly Dictionary<string, string> NoValues = [];

    private static readonly GlanceRoute[] Table =
    [
        R("/v2/schemas/image", "GET", M("GET", "schemas", "image", true)),
        R("/v2/schemas/images", "GET", M("GET", "schemas", "images", true)),
        R("/v2/schemas/member", "GET", M("GET", "schemas", "member", true)),
        R("/v2/schemas/members", "GET", M("GET", "schemas", "members", true)),
        R("/v2/schemas/task", "GET", M("GET", "schemas", "task")),
        R("/v2/schemas/tasks", "GET", M("GET", "schemas", "tasks")),
        R("/v2/schemas/metadefs/namespace", "GET", M("GET", "schemas", "metadef_namespace", true)),
        R("/v2/schemas/metadefs/namespaces", "GET", M("GET", "schemas", "metadef_namespaces", true)),
        R("/v2/schemas/metadefs/resource_type", "GET", M("GET", "schemas", "metadef_resource_type", true)),
        R("/v2/schemas/metadefs/resource_types", "GET", M("GET", "schemas", "metadef_resource_types", true)),
        R("/v2/schemas/metadefs/property", "GET", M("GET", "schemas", "metadef_property", true)),
        R("/v2/schemas/metadefs/properties", "GET", M("GET", "schemas", "metadef_properties", true)),
        R("/v2/schemas/metadefs/object", "GET", M("GET", "schemas", "metadef_object", true)),
        R("/v2/schemas/metadefs/objects", "GET", M("GET", "schemas", "metadef_objects", true)),
        R("/v2/schemas/metadefs/tag", "GET", M("GET", "schemas", "metadef_tag", true)),
        R("/v2/schemas/metadefs/tags", "GET", M("GET", "schemas", "metadef_tags", true)),

        R("/v2/metadefs/resource_types", "GET", M("GET", "metadef_resource_types", "index", true)),
        R("/v2/metadefs/namespaces/{namespace}/resource_types", "GET, POST",
            M("GET", "metadef_resource_types", "show", true), M("POST", "metadef_resource_types", "create")),
        R("/v2/metadefs/namespaces/{namespace}/resource_types/{resource_type}", "DELETE",
            M("DELETE", "metadef_resource_types", "delete", true)),
        R("/v2/metadefs/namespaces", "GET, POST",
            M("GET", "metadef_namespaces", "index"), M("POST", "metadef_namespaces", "create")),
        R("/v2/metadefs/namespaces/{namespace}", "GET, PUT, DELETE",
            M("GET", "metadef_namespaces", "show", true), M("PUT", "metadef_namespaces", "update"), M("DELETE", "metadef_namespaces", "delete", true)),
        R("/v2/metadefs/namespaces/{namespace}/properties", "GET, POST, DELETE",
            M("GET", "metadef_properties", "index", true), M("POST", "metadef_properties", "create"), M("DELETE", "metadef_namespaces", "delete_properties")),
        R("/v2/metadefs/namespaces/{namespace}/properties/{property_name}", "GET, PUT, DELETE",
            M("GET", "metadef_properties", "show"), M("PUT", "metadef_properties", "update"), M("DELETE", "metadef_properties", "delete")),
        R("/v2/metadefs/namespaces/{namespace}/objects", "GET, POST, DELETE",
            M("GET", "metadef_objects", "index"), M("POST", "metadef_objects", "create"), M("DELETE", "metadef_namespaces", "delete_objects")),
        R("/v2/metadefs/namespaces/{namespace}/objects/{object_name}", "GET, PUT, DELETE",
            M("GET", "metadef_objects", "show", true), M("PUT", "metadef_objects", "update"), M("DELETE", "metadef_objects", "delete", true)),
        R("/v2/metadefs/namespaces/{namespace}/tags", "GET, POST, DELETE",
            M("GET", "metadef_tags", "index"), M("POST", "metadef_tags", "create_tags"), M("DELETE", "metadef_namespaces", "delete_tags")),
        R("/v2/metadefs/namespaces/{namespace}/tags/{tag_name}", "GET, POST, PUT, DELETE",
            M("GET", "metadef_tags", "show", true), M("POST", "metadef_tags", "create", true), M("PUT", "metadef_tags", "update"), M("DELETE", "metadef_tags", "delete", true)),

        R("/v2/images", "GET, POST", M("GET", "images", "index"), M("POST", "images", "create")),
        R("/v2/images/{image_id}", "GET, PATCH, DELETE",
            M("PATCH", "images", "update"), M("GET", "images", "show", true), M("DELETE", "images", "delete", true)),
        R("/v2/images/{image_id}/tasks", null, M("GET", "images", "get_task_info", true)),
        R("/v2/images/{image_id}/import", "POST", M("POST", "images", "import_image")),
        R("/v2/stores/{store_id}/{image_id}", "DELETE", M("DELETE", "images", "delete_from_store", true)),
        R("/v2/images/{image_id}/actions/deactivate", "POST", M("POST", "image_actions", "deactivate", true)),
        R("/v2/images/{image_id}/actions/reactivate", "POST", M("POST", "image_actions", "reactivate", true)),
        R("/v2/images/{image_id}/file", "GET, PUT", M("GET", "image_data", "download", true), M("PUT", "image_data", "upload")),
        R("/v2/images/{image_id}/stage", "PUT", M("PUT", "image_data", "stage")),
        R("/v2/images/{image_id}/tags/{tag_value}", "PUT, DELETE",
            M("PUT", "image_tags", "update", true), M("DELETE", "image_tags", "delete", true)),
        R("/v2/images/{image_id}/members", "GET, POST",
            M("GET", "image_members", "index", true), M("POST", "image_members", "create")),
        R("/v2/images/{image_id}/members/{member_id}", "GET, PUT, DELETE",
            M("GET", "image_members", "show", true), M("PUT", "image_members", "update"), M("DELETE", "image_members", "delete", true)),

        R("/v2/tasks", "GET, POST", M("POST", "tasks", "create"), M("GET", "tasks", "index")),
        R("/v2/tasks/{task_id}", "GET, DELETE", M("GET", "tasks", "get"), M("DELETE", "tasks", "delete")),

        R("/v2/info/import", "GET", M("GET", "discovery", "get_image_import", true)),
        R("/v2/info/stores", "GET", M("GET", "discovery", "get_stores", true)),
        R("/v2/info/usage", null, M("GET", "discovery", "get_usage")),
        R("/v2/info/stores/detail", "GET", M("GET", "discovery", "get_stores_detail", true)),

        R("/v2/cache", "GET, DELETE", M("GET", "cached_images", "get_cache_state", true), M("DELETE", "cached_images", "clear_cache")),
        R("/v2/cache/{image_id}", "DELETE, PUT", M("DELETE", "cached_images", "delete_cache_entry"), M("PUT", "cached_images", "queue_image_from_api")),

        // wsgi.py Router.__init__: mapper.redirect("", "/").
        new("/v2", null, "/v2/", []),
    ];

    private static readonly string[] Implemented = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH"];

    /// <summary>Every route: router.py's in its order (by first connect), then wsgi.py's <c>/v2</c> redirect.</summary>
    public static IReadOnlyList<GlanceRoute> All => Table;

    /// <summary>The methods <c>Router._dispatch</c> answers 404 rather than 501 when no route matches.</summary>
    public static IReadOnlyList<string> ImplementedMethods => Implemented;

    /// <summary>
    /// The route whose template the target's canonical segments match (whatever the method), and
    /// its parameter values; false when the target is not an API target or no template matches.
    /// Literal segments match exactly (case-sensitive); a parameter matches any one non-empty
    /// segment, <c>.</c> and <c>..</c> included; a final <c>\n</c> is matched as Python's <c>$</c> does.
    /// </summary>
    public static bool TryMatch(RequestTarget target, [NotNullWhen(true)] out GlanceRoute? route, out IReadOnlyDictionary<string, string> values)
    {
        ArgumentNullException.ThrowIfNull(target);
        route = null;
        values = NoValues;
        if (target.Kind != RequestTargetKind.Api)
        {
            return false;
        }

        foreach (var candidate in Table)
        {
            if (candidate.TryMatch(target.Segments, out var found))
            {
                var named = new Dictionary<string, string>(found.Length, StringComparer.Ordinal);
                for (var i = 0; i < found.Length; i++)
                {
                    named[candidate.ParameterNames[i]] = found[i];
                }

                route = candidate;
                values = named;
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// What Glance's router does with an API target: the routing method (the request's, or the
    /// <c>_method</c> override of the query, or <paramref name="formOverride"/> when
    /// <see cref="GlanceMethodOverride.ConsultsForm"/> said to read the form and it had one), then
    /// the template: a method it takes → <see cref="GlanceRouteOutcome.Operation"/>; another → its
    /// reject route's 405, or, without one, no route; <c>/v2</c> → the redirect; no route → 404,
    /// or 501 for a method Glance does not implement (the request's own method decides that).
    /// </summary>
    /// <param name="target">The request target (an <see cref="RequestTargetKind.Api"/> one; any other kind is <see cref="GlanceRouteOutcome.NotFound"/>).</param>
    /// <param name="method">The request's method, as sent.</param>
    /// <param name="formOverride">The <c>_method</c> field of a form POST's body, when the caller read it.</param>
    public static GlanceRouting Resolve(RequestTarget target, string method, string? formOverride = null)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(method);
        var routingMethod = RoutingMethod(method, target.Query, formOverride);
        if (TryMatch(target, out var route, out var values))
        {
            if (route.RedirectLocation is not null)
            {
                return new(GlanceRouteOutcome.Redirect, method, routingMethod, route, null, values);
            }

            if (route.Find(routingMethod) is { } operation)
            {
                return new(GlanceRouteOutcome.Operation, method, routingMethod, route, operation, values);
            }

            if (route.Allow is not null)
            {
                return new(GlanceRouteOutcome.MethodNotAllowed, method, routingMethod, route, null, values);
            }
        }

        // Routes restored REQUEST_METHOD before _dispatch looks at it.
        var outcome = Implemented.Contains(method, StringComparer.Ordinal) ? GlanceRouteOutcome.NotFound : GlanceRouteOutcome.NotImplemented;
        return new(outcome, method, routingMethod, null, null, null);
    }

    /// <summary>
    /// The method Routes matches with: the query's <c>_method</c> when the query contains
    /// <c>_method</c> (a present but empty or undecodable one leaves <paramref name="method"/>),
    /// else a form POST's <paramref name="formOverride"/>, else <paramref name="method"/>.
    /// </summary>
    public static string RoutingMethod(string method, string query, string? formOverride = null)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(query);
        if (GlanceMethodOverride.ConsultsQuery(query))
        {
            return GlanceMethodOverride.FromQuery(query) ?? method;
        }

        return formOverride is not null && string.Equals(method, "POST", StringComparison.Ordinal)
            ? GlanceMethodOverride.FromFormValue(formOverride) ?? method
            : method;
    }

    /// <summary>The 405 explanation of webob's <c>HTTPMethodNotAllowed</c> (trailing space included).</summary>
    public static string MethodNotAllowed(string method) => $"The method {method} is not allowed for this resource. ";

    /// <summary>The 501 explanation of webob's <c>HTTPNotImplemented</c> (trailing space included).</summary>
    public static string NotImplemented(string method) => $"The request method {method} is not implemented for this server. ";

    private static GlanceRoute R(string template, string? allow, params GlanceRouteMethod[] methods) => new(template, allow, null, methods);

    private static GlanceRouteMethod M(string method, string controller, string action, bool bodyReject = false) => new(method, controller, action, bodyReject);
}
