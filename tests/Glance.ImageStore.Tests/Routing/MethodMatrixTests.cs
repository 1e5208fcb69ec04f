using Glance.ImageStore.Tests.Support;
using Microsoft.Extensions.Logging;

namespace Glance.ImageStore.Tests.Routing;

/// <summary>
/// Every method the raw-socket tests send (Glance's own, OPTIONS, CONNECT and TRACE, a lower-case
/// <c>delete</c>, a token no one defines) on the targets answered before Glance's router (the
/// versions document, the root, <c>/v2</c>) and on a member path, to the store on its own over a
/// raw socket (CONNECT in origin-form, as the report of issue 19 sent it): whatever Glance
/// answers, never a 500 and never an error in the store's log. <c>CONNECT /versions</c> was both:
/// Kestrel refuses a Content-Length on a 2xx answer to CONNECT (RFC 9110 section 9.3.6).
/// </summary>
public abstract partial class MethodMatrixTests(StoreFixture fixture)
{
    /// <summary>The methods of HostileInputTests and RoutingConformanceTests, and one nobody defines.</summary>
    public static readonly string[] Methods = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "CONNECT", "TRACE", "delete", "FOO"];

    /// <summary>The targets: the versions document (explicit, and under it), the root, /v2, a member.</summary>
    public static readonly string[] Targets = ["/versions", "/versions/x", "/", "/v2", "/v2/images/{image}/members/{member}"];

    public static TheoryData<string, string> Requests()
    {
        var data = new TheoryData<string, string>();
        foreach (var target in Targets)
        {
            foreach (var method in Methods)
            {
                data.Add(method, target);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Requests))]
    public async Task AnyMethod_OnVersionsRootV2OrAMember_NeitherAnswers500NorLogsAnError(string method, string target)
    {
        var response = await SendAsync(method, await FillAsync(target));

        Assert.True(response.Status is >= 200 and < 500, $"{method} {target}: {response.Status} {response.Text}");
    }

    // Glance 25 answers these with its versions document; on a 2xx answer to CONNECT HTTP allows
    // neither a Content-Length nor a body, so the store sends Glance's status and other headers.
    [Theory]
    [InlineData("/versions", 200)]
    [InlineData("/versions/x", 200)]
    [InlineData("/", 300)]
    public async Task Connect_OnTheVersionsDocument_IsGlancesAnswerWithoutContentLengthOnA2xx(string target, int status)
    {
        var get = await SendAsync("GET", target);
        var connect = await SendAsync("CONNECT", target);

        Assert.Equal(status, get.Status);
        Assert.Equal(status, connect.Status);
        Assert.Equal(get.Header("Content-Type"), connect.Header("Content-Type"));
        Assert.Equal(get.Header("X-Openstack-Request-Id"), connect.Header("X-Openstack-Request-Id"));
        if (status == 200)
        {
            Assert.Null(connect.Header("Content-Length"));
            Assert.Null(connect.Header("Transfer-Encoding"));
            Assert.Empty(connect.Body);
        }
        else
        {
            Assert.Equal(get.Header("Content-Length"), connect.Header("Content-Length"));
            Assert.Equal(get.Body, connect.Body);
        }
    }

    // The other answers written with a Content-Length that CONNECT can reach as a 2xx: the
    // healthcheck (any method), and through Routes' _method override every GET of the API (JSON
    // documents, schemas, image data). Each is the GET's status without a length or a body.
    [Theory]
    [InlineData("/healthcheck")]
    [InlineData("/v2/images?_method=GET")]
    [InlineData("/v2/images/{image}?_method=GET")]
    [InlineData("/v2/images/{image}/members?_method=GET")]
    [InlineData("/v2/images/{image}/members/{member}?_method=GET")]
    [InlineData("/v2/images/{image}/file?_method=GET")]
    [InlineData("/v2/schemas/image?_method=GET")]
    public async Task Connect_OnAnyOtherAnswerWithALength_IsTheStatusWithoutLengthOrBody(string target)
    {
        var filled = await FillAsync(target, withData: true);
        var get = await SendAsync("GET", filled.Replace("_method=GET", "x=1", StringComparison.Ordinal));

        var connect = await SendAsync("CONNECT", filled);

        Assert.Equal(200, get.Status);
        Assert.NotEmpty(get.Body);
        Assert.Equal(200, connect.Status);
        Assert.Equal(get.Header("Content-Type"), connect.Header("Content-Type"));
        Assert.Null(connect.Header("Content-Length"));
        Assert.Null(connect.Header("Transfer-Encoding"));
        Assert.Empty(connect.Body);
    }

    // One request, and what the store logged at Warning or above while it was answered: nothing
    // at Error (Kestrel's "unhandled exception", the store's own 500 line) may appear.
    private async Task<RawResponse> SendAsync(string method, string target)
    {
        var before = fixture.Store.Logs.Count;
        var response = await RawHttp.SendAsync(fixture.Store.BaseUri, method, target, Caller.Admin);
        var logged = fixture.Store.Logs.GetSnapshot().Skip(before).ToList();
        Assert.DoesNotContain(logged, r => r.Level >= LogLevel.Error || r.Message.Contains("unhandled", StringComparison.OrdinalIgnoreCase));
        Assert.True(response.Status != 500, $"{method} {target}: 500 {response.Text}");
        return response;
    }

    // A shared image of a fresh owner with one member (and, when asked, one byte of data).
    private async Task<string> FillAsync(string target, bool withData = false)
    {
        if (!target.Contains("{image}", StringComparison.Ordinal))
        {
            return target;
        }

        var suffix = Guid.NewGuid().ToString("N")[..10];
        var owner = fixture.Store.Client(Caller.Project("owner-" + suffix));
        var image = await owner.CreateImageIdAsync("{\"name\": \"methods\", \"visibility\": \"shared\", \"disk_format\": \"raw\", \"container_format\": \"bare\"}");
        await owner.AddMemberAsync(image, "member-" + suffix);
        if (withData)
        {
            using var data = new ByteArrayContent([42]);
            data.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/octet-stream");
            using var upload = await owner.SendAsync(HttpMethod.Put, $"v2/images/{image}/file", data);
            Assert.Equal(System.Net.HttpStatusCode.NoContent, upload.StatusCode);
        }

        return target.Replace("{image}", image, StringComparison.Ordinal).Replace("{member}", "member-" + suffix, StringComparison.Ordinal);
    }
}

/// <summary>The same tests on each engine.</summary>
public abstract partial class MethodMatrixTests
{
    public sealed class Sqlite(StoreFixture fixture) : MethodMatrixTests(fixture), IClassFixture<StoreFixture>;

    public sealed class PostgreSql(PostgresStoreFixture fixture) : MethodMatrixTests(fixture), IClassFixture<PostgresStoreFixture>;
}
