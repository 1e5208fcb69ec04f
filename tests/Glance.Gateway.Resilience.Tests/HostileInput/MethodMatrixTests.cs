using Glance.Gateway.Resilience.Tests.Support;
using Glance.Gateway.Tests.Support;

namespace Glance.Gateway.Resilience.Tests.HostileInput;

/// <summary>
/// Every method the raw-socket tests send (Glance's own, OPTIONS, CONNECT and TRACE, a lower-case
/// <c>delete</c>, a token no one defines) on the targets the gateway answers before Glance's router
/// (the versions document, the root, <c>/v2</c>) and on a member path, through the gateway (dev
/// tokens, hosted store) over a raw socket, CONNECT in origin-form as the report of issue 19 sent
/// it: whatever Glance answers, never a 500 and never an error line in the gateway's log (the
/// hosted store logs into it). <c>CONNECT /versions</c> was both: Kestrel refuses a Content-Length
/// on a 2xx answer to CONNECT (RFC 9110 section 9.3.6).
/// </summary>
public sealed class MethodMatrixTests(MethodMatrixTests.Gateway fixture) : IClassFixture<MethodMatrixTests.Gateway>
{
    private static readonly string[] Methods = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "CONNECT", "TRACE", "delete", "FOO"];
    private static readonly string[] Targets = ["/versions", "/versions/x", "/", "/v2", "/v2/images/{image}/members/{member}"];

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
        var answer = await SendAsync(method, await FillAsync(target));

        Assert.True(answer.Status is >= 200 and < 500, $"{method} {target}: {answer.Head}");
    }

    // Glance 25 answers these with its versions document; on a 2xx answer to CONNECT HTTP allows
    // neither a Content-Length nor a body, so the gateway sends Glance's status and other headers.
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
        Assert.Null(connect.Header("X-Openstack-Request-Id"));
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

    // The gateway's own endpoints, which take any method: a 2xx to CONNECT without length or
    // body. The Prometheus exporter writes its own answer (chunked, whatever the method): only
    // "no 500, no error" is the gateway's to promise there.
    [Theory]
    [InlineData("/healthz", true)]
    [InlineData("/readyz", true)]
    [InlineData("/healthcheck", true)]
    [InlineData("/metrics", false)]
    public async Task Connect_OnTheGatewaysOwnEndpoints_NeitherAnswers500NorLogsAnError(string target, bool bodyless)
    {
        var answer = await SendAsync("CONNECT", target);

        Assert.True(answer.Status is >= 200 and < 500, $"CONNECT {target}: {answer.Head}");
        if (bodyless && answer.Status is >= 200 and < 300)
        {
            Assert.Null(answer.Header("Content-Length"));
            Assert.Null(answer.Header("Transfer-Encoding"));
            Assert.Empty(answer.Body);
        }
    }

    // One request on its own connection, and the gateway's log lines it added: none may be an
    // error (Kestrel's "unhandled exception", the gateway's or the store's own 500 line).
    private async Task<Answer> SendAsync(string method, string target)
    {
        var before = fixture.Host.AppLog().Length;
        var raw = await RawHttp.SendAsync(
            fixture.Host.Address,
            $"{method} {target} HTTP/1.1\r\nHost: localhost\r\nX-Auth-Token: dev-owner\r\nConnection: close\r\n\r\n",
            TimeSpan.FromSeconds(10));
        var logged = fixture.Host.AppLog()[before..];
        Assert.False(
            logged.Contains("unhandled", StringComparison.OrdinalIgnoreCase) || logged.Contains("[ERR]", StringComparison.Ordinal) || logged.Contains("[FTL]", StringComparison.Ordinal),
            $"{method} {target} logged:\n{logged}");
        var answer = Answer.Parse(raw, method);
        Assert.True(answer.Status != 500, $"{method} {target}: {answer.Head}");
        return answer;
    }

    // A shared image of dev-owner (project-a) with member project-b, new for each request that names one.
    private async Task<string> FillAsync(string target)
    {
        if (!target.Contains("{image}", StringComparison.Ordinal))
        {
            return target;
        }

        var image = await GlanceApi.CreateImageAsync(fixture.Host.Client, "dev-owner", "shared");
        await GlanceApi.AddMemberAsync(fixture.Host.Client, "dev-owner", image, "project-b");
        return target.Replace("{image}", image, StringComparison.Ordinal).Replace("{member}", "project-b", StringComparison.Ordinal);
    }

    /// <summary>One gateway on its embedded defaults (dev tokens, hosted store) for the whole class.</summary>
    public sealed class Gateway : IAsyncLifetime
    {
        public GatewayHost Host { get; private set; } = null!;

        public async Task InitializeAsync() => Host = await GatewayHost.StartAsync();

        public async Task DisposeAsync() => await Host.DisposeAsync();
    }

    /// <summary>One HTTP/1.1 answer as read off the socket (Latin-1): status, headers, body bytes as sent.</summary>
    private sealed record Answer(int Status, string Head, IReadOnlyList<KeyValuePair<string, string>> Headers, string Body)
    {
        public string? Header(string name)
        {
            var values = Headers.Where(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value).ToList();
            return values.Count == 0 ? null : string.Join(", ", values);
        }

        public static Answer Parse(string raw, string method)
        {
            Assert.Single(RawHttp.Statuses(raw));
            var end = raw.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            Assert.True(end > 0, "no complete answer: " + raw);
            var lines = raw[..end].Split("\r\n");
            var status = int.Parse(lines[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
            var headers = lines.Skip(1).Select(l => l.Split(':', 2)).Select(p => new KeyValuePair<string, string>(p[0].Trim(), p[1].Trim())).ToList();
            return new Answer(status, raw[..end], headers, method == "HEAD" ? string.Empty : raw[(end + 4)..]);
        }
    }
}
