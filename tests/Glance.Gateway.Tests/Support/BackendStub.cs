using WireMock.Logging;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Glance.Gateway.Tests.Support;

/// <summary>
/// WireMock.Net as the backend Glance API: one shared image owned by project-a with member
/// project-b, a member DELETE that answers 204, and a record of every request it received.
/// </summary>
public sealed class BackendStub : IDisposable
{
    /// <summary>The image the stub knows.</summary>
    public const string ImageId = "1bea47ed-f6a9-463b-b423-14b9cca9ad27";

    /// <summary>Starts the stub on a free port (HTTPS with <paramref name="certificate"/> when given).</summary>
    public BackendStub(System.Security.Cryptography.X509Certificates.X509Certificate2? certificate = null)
    {
        Server = certificate is null
            ? WireMockServer.Start()
            : WireMockServer.Start(new WireMock.Settings.WireMockServerSettings
            {
                UseSSL = true,
                CertificateSettings = new WireMock.Settings.WireMockCertificateSettings { X509Certificate = certificate },
            });
        Server.Given(Request.Create().WithPath($"/v2/images/{ImageId}").UsingGet())
            .RespondWith(Json($"{{\"id\": \"{ImageId}\", \"name\": \"stub\", \"visibility\": \"shared\", \"owner\": \"project-a\", \"status\": \"active\", \"protected\": false}}"));
        Server.Given(Request.Create().WithPath($"/v2/images/{ImageId}/members").UsingGet())
            .RespondWith(Json($"{{\"members\": [{{\"member_id\": \"project-b\", \"image_id\": \"{ImageId}\", \"status\": \"accepted\"}}], \"schema\": \"/v2/schemas/members\"}}"));
        Server.Given(Request.Create().WithPath($"/v2/images/{ImageId}/members/project-b").UsingGet())
            .RespondWith(Json($"{{\"member_id\": \"project-b\", \"image_id\": \"{ImageId}\", \"status\": \"accepted\", \"schema\": \"/v2/schemas/member\"}}"));
        Server.Given(Request.Create().WithPath($"/v2/images/{ImageId}/members/project-b").UsingDelete())
            .RespondWith(Response.Create().WithStatusCode(204));
        Server.Given(Request.Create().WithPath("/v2/images").UsingGet())
            .RespondWith(Json("{\"images\": [], \"schema\": \"/v2/schemas/images\", \"first\": \"/v2/images\"}"));
        Server.Given(Request.Create().WithPath("/v2/*").UsingAnyMethod()).AtPriority(100)
            .RespondWith(Response.Create().WithStatusCode(404).WithBody("404 Not Found\n\nThe resource could not be found.\n\n   "));
    }

    /// <summary>The WireMock server.</summary>
    public WireMockServer Server { get; }

    /// <summary>The backend's URL.</summary>
    public string Url => Server.Url!;

    /// <summary>Every request received.</summary>
    public IReadOnlyList<ILogEntry> Requests => Server.LogEntries.ToList();

    /// <summary>The DELETE requests received.</summary>
    public IReadOnlyList<ILogEntry> Deletes => Requests.Where(e => e.RequestMessage.Method == "DELETE").ToList();

    /// <summary>Settings for a gateway in front of this stub (the store is not hosted).</summary>
    public static Dictionary<string, string?> Settings(IDictionary<string, string?> keystone)
    {
        ArgumentNullException.ThrowIfNull(keystone);
        return new Dictionary<string, string?>(keystone) { ["ImageStore:Enabled"] = "false" };
    }

    /// <inheritdoc />
    public void Dispose() => Server.Stop();

    private static IResponseBuilder Json(string body) =>
        Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(body);
}
