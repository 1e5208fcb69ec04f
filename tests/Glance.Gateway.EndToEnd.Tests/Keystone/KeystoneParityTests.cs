using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Glance.Gateway.EndToEnd.Tests.Support;
using Glance.Gateway.Tests.Support;
using Glance.Testing;

namespace Glance.Gateway.EndToEnd.Tests.Keystone;

/// <summary>
/// Application credentials with access rules through the gateway, with the real Keystone 22 of the
/// suite: restricted to image reads, a credential lists and shows images and gets 401 on a member
/// DELETE and an upload; an unrestricted one works for everything its roles allow.
/// </summary>
[Collection(SharedKeystoneGroup.Name)]
public sealed class ApplicationCredentialTests(KeystoneFixture fixture) : IAsyncLifetime
{
    private static readonly string[] ApplicationCredentialMethod = ["application_credential"];
    private readonly KeystoneServer _keystone = fixture.Keystone;
    private RedisServer _redis = null!;
    private GatewayHost _gateway = null!;
    private KeystoneCatalogEntry _image = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.SharedOrNewAsync();
        _gateway = await EndToEndGateway.StartAsync(_keystone, _redis);
        // keystonemiddleware refuses a restricted token whose catalog lacks its service type.
        _image = await KeystoneCatalogEntry.RegisterAsync(_keystone, "image", "glance", _gateway.Address.ToString().TrimEnd('/'));
    }

    public async Task DisposeAsync()
    {
        await _image.DisposeAsync();
        await _gateway.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task ReadOnlyAccessRules_ListAndShow_But401OnMemberDeleteAndUpload_NothingChanged()
    {
        var owner = await _keystone.IssueTokenAsync(_keystone.Owner);
        var image = await GlanceApi.CreateImageAsync(_gateway.Client, owner, "shared");
        await GlanceApi.AddMemberAsync(_gateway.Client, owner, image, _keystone.Member.ProjectId);
        var restricted = await ApplicationCredentialTokenAsync(_keystone, _keystone.Owner, owner, """
            [{"service": "image", "method": "GET", "path": "/v2/images"}, {"service": "image", "method": "GET", "path": "/v2/images/*"}]
            """);

        using (var list = await _gateway.Client.SendAsync(GlanceApi.Request(HttpMethod.Get, "/v2/images", restricted)))
        {
            Assert.Equal(HttpStatusCode.OK, list.StatusCode);
            Assert.Contains(image, await list.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using (var show = await _gateway.Client.SendAsync(GlanceApi.Request(HttpMethod.Get, $"/v2/images/{image}", restricted)))
        {
            Assert.Equal(HttpStatusCode.OK, show.StatusCode);
        }

        using (var delete = await GlanceApi.DeleteMemberAsync(_gateway.Client, restricted, image, _keystone.Member.ProjectId))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, delete.StatusCode);
        }

        using var upload = GlanceApi.Request(HttpMethod.Put, $"/v2/images/{image}/file", restricted);
        upload.Content = new ByteArrayContent([1, 2, 3]);
        upload.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using (var refused = await _gateway.Client.SendAsync(upload))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        using var member = await _gateway.Client.SendAsync(GlanceApi.Request(HttpMethod.Get, $"/v2/images/{image}/members/{_keystone.Member.ProjectId}", owner));
        Assert.Equal(HttpStatusCode.OK, member.StatusCode);
        using var shown = await _gateway.Client.SendAsync(GlanceApi.Request(HttpMethod.Get, $"/v2/images/{image}", owner));
        Assert.Contains("\"status\": \"queued\"", await shown.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnrestrictedApplicationCredential_WorksForEverythingItsRolesAllow()
    {
        var owner = await _keystone.IssueTokenAsync(_keystone.Owner);
        var image = await GlanceApi.CreateImageAsync(_gateway.Client, owner, "shared");
        await GlanceApi.AddMemberAsync(_gateway.Client, owner, image, _keystone.Member.ProjectId);
        var unrestricted = await ApplicationCredentialTokenAsync(_keystone, _keystone.Owner, owner, accessRulesJson: null);

        using var delete = await GlanceApi.DeleteMemberAsync(_gateway.Client, unrestricted, image, _keystone.Member.ProjectId);
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
    }

    /// <summary>Creates an application credential of <paramref name="account"/> (with its token) and returns a token issued for it.</summary>
    internal static async Task<string> ApplicationCredentialTokenAsync(KeystoneServer keystone, KeystoneAccount account, string token, string? accessRulesJson)
    {
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = new Uri(keystone.Url) };
        var rules = accessRulesJson is null ? string.Empty : ", \"access_rules\": " + accessRulesJson;
        using var create = new HttpRequestMessage(HttpMethod.Post, $"/v3/users/{account.UserId}/application_credentials")
        {
            Content = new StringContent($"{{\"application_credential\": {{\"name\": \"e2e-{Guid.NewGuid():N}\"{rules}}}}}", Encoding.UTF8, "application/json"),
        };
        create.Headers.TryAddWithoutValidation("X-Auth-Token", token);
        using var created = await http.SendAsync(create);
        var body = await created.Content.ReadAsStringAsync();
        Assert.True(created.StatusCode == HttpStatusCode.Created, $"application credential: {(int)created.StatusCode} {body}");
        var credential = JsonDocument.Parse(body).RootElement.GetProperty("application_credential");

        var auth = JsonSerializer.Serialize(new
        {
            auth = new
            {
                identity = new
                {
                    methods = ApplicationCredentialMethod,
                    application_credential = new { id = credential.GetProperty("id").GetString(), secret = credential.GetProperty("secret").GetString() },
                },
            },
        });
        using var issue = new HttpRequestMessage(HttpMethod.Post, "/v3/auth/tokens?nocatalog") { Content = new StringContent(auth, Encoding.UTF8, "application/json") };
        using var issued = await http.SendAsync(issue);
        Assert.True(issued.StatusCode == HttpStatusCode.Created, $"application credential token: {(int)issued.StatusCode} {await issued.Content.ReadAsStringAsync()}");
        return issued.Headers.GetValues("X-Subject-Token").Single();
    }
}

/// <summary>A Keystone of its own whose tokens live 20 seconds, for user tokens Keystone already expired.</summary>
[CollectionDefinition(Name)]
public sealed class ShortTokenKeystoneGroup : ICollectionFixture<ShortTokenKeystoneFixture>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "Real Keystone, 20-second tokens";
}

/// <summary>Starts the short-token Keystone, with a "nova" user holding the service role on project service.</summary>
public sealed class ShortTokenKeystoneFixture : IAsyncLifetime
{
    /// <summary>Token lifetime, in seconds.</summary>
    public const int TokenSeconds = 20;

    private KeystoneServer? _keystone;

    /// <summary>The Keystone.</summary>
    public KeystoneServer Keystone => _keystone ?? throw new InvalidOperationException("Keystone did not start");

    /// <summary>A service user with the role <c>service</c> (as Nova's is deployed).</summary>
    public KeystoneAccount Nova { get; private set; } = null!;

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        _keystone = await KeystoneServer.StartAsync(TokenSeconds);
        var role = await _keystone.AdminAsync(HttpMethod.Post, "/v3/roles", """{"role": {"name": "service"}}""", HttpStatusCode.Created);
        var password = Guid.NewGuid().ToString("N");
        var user = await _keystone.AdminAsync(HttpMethod.Post, "/v3/users",
            JsonSerializer.Serialize(new { user = new { name = "nova", password, domain_id = "default", enabled = true } }), HttpStatusCode.Created);
        var userId = user.GetProperty("user").GetProperty("id").GetString()!;
        var service = _keystone.Service;
        await _keystone.AdminAsync(HttpMethod.Put,
            $"/v3/projects/{service.ProjectId}/users/{userId}/roles/{role.GetProperty("role").GetProperty("id").GetString()}", null, HttpStatusCode.NoContent);
        Nova = new KeystoneAccount("nova", password, service.Project, userId, service.ProjectId);
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_keystone is not null)
        {
            await _keystone.DisposeAsync();
        }
    }
}

/// <summary>
/// X-Service-Token with the real Keystone: a user token Keystone already expired deletes a member
/// beside a service token with the service role (validated with allow_expired), gets 401 alone,
/// and 401 beside a service token without the role.
/// </summary>
[Collection(ShortTokenKeystoneGroup.Name)]
public sealed class ServiceTokenEndToEndTests(ShortTokenKeystoneFixture fixture) : IAsyncLifetime
{
    private readonly KeystoneServer _keystone = fixture.Keystone;
    private RedisServer _redis = null!;
    private GatewayHost _gateway = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.SharedOrNewAsync();
        _gateway = await EndToEndGateway.StartAsync(_keystone, _redis);
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task ExpiredUserToken_DeletesAMember_WithAServiceToken_ButNotAloneNorBesideARoleLessOne()
    {
        var setup = await _keystone.IssueTokenAsync(_keystone.Owner);
        var image = await GlanceApi.CreateImageAsync(_gateway.Client, setup, "shared");
        await GlanceApi.AddMemberAsync(_gateway.Client, setup, image, _keystone.Member.ProjectId);
        var expiring = await _keystone.IssueTokenAsync(_keystone.Owner);

        // Used once while valid (so that the cache holds its plain validation), then left to expire.
        using (var valid = await _gateway.Client.SendAsync(GlanceApi.Request(HttpMethod.Get, $"/v2/images/{image}", expiring)))
        {
            Assert.Equal(HttpStatusCode.OK, valid.StatusCode);
        }

        await Task.Delay(TimeSpan.FromSeconds(ShortTokenKeystoneFixture.TokenSeconds + 2));

        using (var alone = await GlanceApi.DeleteMemberAsync(_gateway.Client, expiring, image, _keystone.Member.ProjectId))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, alone.StatusCode);
        }

        var stranger = await _keystone.IssueTokenAsync(_keystone.Stranger);
        using (var roleLess = await DeleteWithServiceTokenAsync(image, expiring, stranger))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, roleLess.StatusCode);
        }

        using (var member = await _gateway.Client.SendAsync(GlanceApi.Request(HttpMethod.Get, $"/v2/images/{image}/members/{_keystone.Member.ProjectId}", await _keystone.IssueTokenAsync(_keystone.Owner))))
        {
            Assert.Equal(HttpStatusCode.OK, member.StatusCode); // neither refusal changed anything
        }

        var nova = await _keystone.IssueTokenAsync(fixture.Nova);
        using (var vouched = await DeleteWithServiceTokenAsync(image, expiring, nova))
        {
            Assert.Equal(HttpStatusCode.NoContent, vouched.StatusCode);
        }

        // And alone again: still 401 (the allow_expired validation is cached apart from the plain one).
        using var again = await _gateway.Client.SendAsync(GlanceApi.Request(HttpMethod.Get, $"/v2/images/{image}", expiring));
        Assert.Equal(HttpStatusCode.Unauthorized, again.StatusCode);
        var audit = _gateway.AuditEvents("delete_member").Single(e => e.Number("Status") == 204);
        Assert.Equal(fixture.Nova.UserId, audit.Get("ServiceUserId"));
        Assert.Equal(_keystone.Owner.UserId, audit.Get("UserId"));
    }

    private async Task<HttpResponseMessage> DeleteWithServiceTokenAsync(string image, string userToken, string serviceToken)
    {
        using var request = GlanceApi.Request(HttpMethod.Delete, $"/v2/images/{image}/members/{_keystone.Member.ProjectId}", userToken);
        request.Headers.TryAddWithoutValidation("X-Service-Token", serviceToken);
        return await _gateway.Client.SendAsync(request);
    }
}
