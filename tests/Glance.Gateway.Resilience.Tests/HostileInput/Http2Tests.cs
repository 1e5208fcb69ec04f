using System.Net;
using System.Text;
using Glance.Gateway.Tests.Support;
using Glance.Testing;

namespace Glance.Gateway.Resilience.Tests.HostileInput;

/// <summary>
/// HTTP/2 clients. Kestrel speaks cleartext HTTP/2 (h2c, prior knowledge) only on an endpoint
/// whose Protocols are <c>Http2</c> alone: on a cleartext <c>Http1AndHttp2</c> endpoint (the
/// default) it has no ALPN to choose with and speaks HTTP/1.1 only (.NET 10; dotnet/aspnetcore#56984).
/// An operator who wants h2c adds a second endpoint (appsettings.example.json shows how); these
/// tests run the gateway so, and show HTTP/2 requests are judged exactly like HTTP/1.1 ones.
/// </summary>
public sealed class Http2Tests : IAsyncLifetime, IDisposable
{
    private int _http1Port;
    private int _http2Port;
    private GatewayFixture _fx = null!;
    private HttpClient _http1 = null!;
    private HttpClient _http2 = null!;
    private string _image = null!;

    public async Task InitializeAsync()
    {
        // The two ports were free a moment ago; a test project running beside this one may take
        // one before Kestrel binds it (CI saw "address already in use" once): then two others.
        for (var attempt = 1; ; attempt++)
        {
            (_http1Port, _http2Port) = (FreePort.Next(), FreePort.Next());
            try
            {
                _fx = await GatewayFixture.StartAsync(new Dictionary<string, string?>
                {
                    ["Kestrel:Endpoints:Http1:Url"] = $"http://127.0.0.1:{_http1Port}",
                    ["Kestrel:Endpoints:H2c:Url"] = $"http://127.0.0.1:{_http2Port}",
                    ["Kestrel:Endpoints:H2c:Protocols"] = "Http2",
                });
                break;
            }
            catch (IOException ex) when (attempt < 5 && ex.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException)
            {
            }
        }

        _http1 = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = new Uri($"http://127.0.0.1:{_http1Port}") };
        _http2 = new HttpClient(new SocketsHttpHandler { UseProxy = false })
        {
            BaseAddress = new Uri($"http://127.0.0.1:{_http2Port}"),
            DefaultRequestVersion = HttpVersion.Version20,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        _image = await GlanceApi.CreateImageAsync(_http1, _fx.Ids.Owner, "shared");
        await GlanceApi.AddMemberAsync(_http1, _fx.Ids.Owner, _image, Identities.MemberProject);
        await GlanceApi.AddMemberAsync(_http1, _fx.Ids.Owner, _image, Identities.OtherMemberProject);
    }

    public async Task DisposeAsync()
    {
        if (_fx is not null)
        {
            await _fx.DisposeAsync();
        }
    }

    public void Dispose()
    {
        _http1?.Dispose();
        _http2?.Dispose();
    }

    [Fact]
    public async Task Http2PriorKnowledge_OnAnHttp2Endpoint_IsJudgedLikeHttp1()
    {
        using (var refused = await Http2Async(HttpMethod.Delete, $"/v2/images/{_image}/members/{Identities.OtherMemberProject}", _fx.Ids.Member))
        {
            Assert.Equal(HttpVersion.Version20, refused.Version);
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.Contains($"Not allowed to delete members for image {_image}.", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using (var body = await Http2Async(HttpMethod.Delete, $"/v2/images/{_image}/members/{Identities.OtherMemberProject}", _fx.Ids.Owner, "{}"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, body.StatusCode);
        }

        using (var read = await Http2Async(HttpMethod.Get, "/v2/images", _fx.Ids.Member))
        {
            Assert.Equal(HttpVersion.Version20, read.Version);
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        }

        Assert.True(await GlanceApi.MemberExistsAsync(_http1, _fx.Ids.Admin, _image, Identities.OtherMemberProject));

        using (var allowed = await Http2Async(HttpMethod.Delete, $"/v2/images/{_image}/members/{Identities.OtherMemberProject}", _fx.Ids.Owner))
        {
            Assert.Equal(HttpVersion.Version20, allowed.Version);
            Assert.Equal(HttpStatusCode.NoContent, allowed.StatusCode);
        }

        Assert.False(await GlanceApi.MemberExistsAsync(_http1, _fx.Ids.Admin, _image, Identities.OtherMemberProject));
        Assert.True(await GlanceApi.MemberExistsAsync(_http1, _fx.Ids.Admin, _image, Identities.MemberProject));
        Assert.Equal(["deny", "deny", "allow"], _fx.Gateway.AuditEvents("delete_member", "member_path").Select(e => e.Get("Decision")));
    }

    [Fact]
    public async Task Http2PriorKnowledge_OnACleartextHttp1AndHttp2Endpoint_IsNotSpoken()
    {
        using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false })
        {
            BaseAddress = new Uri($"http://127.0.0.1:{_http1Port}"),
            DefaultRequestVersion = HttpVersion.Version20,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };

        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync(new Uri("/healthz", UriKind.Relative)));
        Assert.True(await GlanceApi.MemberExistsAsync(_http1, _fx.Ids.Admin, _image, Identities.OtherMemberProject));
    }

    private async Task<HttpResponseMessage> Http2Async(HttpMethod method, string path, string token, string? body = null)
    {
        using var request = GlanceApi.Request(method, path, token);
        request.Version = HttpVersion.Version20;
        request.VersionPolicy = HttpVersionPolicy.RequestVersionExact;
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        return await _http2.SendAsync(request);
    }
}
