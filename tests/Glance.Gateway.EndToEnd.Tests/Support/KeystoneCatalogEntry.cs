using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Glance.Gateway.EndToEnd.Tests.Support;

/// <summary>
/// A service and its public endpoint registered in the real Keystone's catalog (with the admin
/// credentials of keystone.env), as a deployment registers Glance; removed again on dispose.
/// </summary>
public sealed class KeystoneCatalogEntry : IAsyncDisposable
{
    private readonly KeystoneServer _keystone;

    private KeystoneCatalogEntry(KeystoneServer keystone, string serviceId, string endpointId, string url)
    {
        _keystone = keystone;
        ServiceId = serviceId;
        EndpointId = endpointId;
        Url = url;
    }

    /// <summary>The service's id.</summary>
    public string ServiceId { get; }

    /// <summary>The public endpoint's id.</summary>
    public string EndpointId { get; }

    /// <summary>The endpoint's URL.</summary>
    public string Url { get; }

    /// <summary>Creates a service of <paramref name="type"/> named <paramref name="name"/> with a public endpoint at <paramref name="url"/> in the keystone.env region.</summary>
    public static async Task<KeystoneCatalogEntry> RegisterAsync(KeystoneServer keystone, string type, string name, string url)
    {
        ArgumentNullException.ThrowIfNull(keystone);
        var service = await keystone.AdminAsync(HttpMethod.Post, "/v3/services",
            JsonSerializer.Serialize(new { service = new { type, name, enabled = true } }), HttpStatusCode.Created);
        var serviceId = service.GetProperty("service").GetProperty("id").GetString()!;
        var endpoint = await keystone.AdminAsync(HttpMethod.Post, "/v3/endpoints",
            JsonSerializer.Serialize(new
            {
                endpoint = new { service_id = serviceId, @interface = "public", region_id = keystone.Env["KEYSTONE_REGION"], url, enabled = true },
            }), HttpStatusCode.Created);
        return new KeystoneCatalogEntry(keystone, serviceId, endpoint.GetProperty("endpoint").GetProperty("id").GetString()!, url);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _keystone.AdminAsync(HttpMethod.Delete, $"/v3/endpoints/{EndpointId}", null, HttpStatusCode.NoContent);
        await _keystone.AdminAsync(HttpMethod.Delete, $"/v3/services/{ServiceId}", null, HttpStatusCode.NoContent);
    }
}
