using Glance.ImageStore.Identity;
using Glance.ImageStore.Routing;
using Glance.Policy.Errors;
using Microsoft.Extensions.Options;

namespace Glance.ImageStore.Discovery;

/// <summary>
/// Glance's discovery API (glance/api/v2/discovery.py) for a store with one backend and no
/// keystone limits: <c>GET /v2/info/import</c> lists the import methods offered;
/// <c>/v2/info/stores</c> and <c>/v2/info/stores/detail</c> are Glance's 404 "Multi backend is
/// not supported at this site." (no <c>enabled_backends</c>; the detail's <c>stores_info_detail</c>
/// rule is never reached); <c>/v2/info/usage</c> is <c>{"usage": {}}</c>, as Glance answers with
/// <c>use_keystone_limits</c> off.
/// </summary>
internal sealed class DiscoveryEndpoints(IOptions<ImageStoreOptions> options)
{
    private const string MultiBackend = ServiceOperations.MultiBackendNotSupported;
    private readonly string[] _methods = options.Value.Import.MethodList();

    public Task ImportAsync(HttpContext context) => Get(context, () => JsonResponse.WriteAsync(context, 200, writer =>
    {
        writer.WriteStartObject();
        writer.WriteStartObject("import-methods");
        writer.WriteString("description", "Import methods available.");
        writer.WriteString("type", "array");
        writer.WriteStartArray("value");
        foreach (var method in _methods)
        {
            writer.WriteStringValue(method);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.WriteEndObject();
    }));

    public static Task StoresAsync(HttpContext context) => Get(context, () => GlanceErrorWriter.WriteAsync(context, 404, MultiBackend));

    // get_stores_detail, as the edge decides it: no enabled_backends here, so its 404 before the rule.
    public static Task StoresDetailAsync(HttpContext context) => Get(context, () =>
        ServiceOperations.StoresDetail(new EdgeInput(context.GetCaller().Caller, string.Empty, null), multiBackend: false) is { } refusal
            ? refusal.WriteAsync(context)
            : throw new InvalidOperationException("A store with one backend has no store details."));

    public static Task UsageAsync(HttpContext context) => Get(context, () => JsonResponse.WriteAsync(context, 200, writer =>
    {
        writer.WriteStartObject();
        writer.WriteStartObject("usage");
        writer.WriteEndObject();
        writer.WriteEndObject();
    }));

    private static Task Get(HttpContext context, Func<Task> answer) =>
        Resource.Method(context) == "GET" ? answer() : Resource.MethodNotAllowedAsync(context, "GET");
}
