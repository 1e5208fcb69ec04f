using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Glance.Gateway.Tests.Support;
using Glance.Policy.RequestIds;

namespace Glance.Gateway.Tests.Auditing.Cadf;

/// <summary>
/// A real gateway whose audit sink names <c>Glance.Gateway.Auditing.Cadf.CadfAuditFormatter</c>
/// in its Serilog section writes one CADF event per edge decision to its audit file, and nothing
/// that is not one.
/// </summary>
[Trait("Host", "Any")]
public sealed class CadfAuditGatewayTests : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("glance-cadf-audit-").FullName;
    private GatewayFixture _fx = null!;

    private string AuditFile => Path.Combine(_folder, "audit-cadf.json");

    public async Task InitializeAsync() => _fx = await GatewayFixture.StartAsync(new Dictionary<string, string?>
    {
        ["Serilog:Audit:WriteTo:0:Name"] = "File",
        ["Serilog:Audit:WriteTo:0:Args:path"] = AuditFile,
        ["Serilog:Audit:WriteTo:0:Args:formatter"] = "Glance.Gateway.Auditing.Cadf.CadfAuditFormatter, Glance.Gateway",
    });

    public async Task DisposeAsync()
    {
        await _fx.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task ConfiguredFormatter_WritesOneCadfEventPerDecision_ForRealRequests()
    {
        _fx.Client.DefaultRequestHeaders.UserAgent.ParseAdd("python-glanceclient/4.7.0");
        var image = await GlanceApi.CreateImageAsync(_fx.Client, _fx.Ids.Owner, "private");
        using var shown = await _fx.Client.SendAsync(GlanceApi.Request(HttpMethod.Get, $"/v2/images/{image}", _fx.Ids.Owner));
        using var hidden = await _fx.Client.SendAsync(GlanceApi.Request(HttpMethod.Get, $"/v2/images/{image}", _fx.Ids.Stranger));
        using var schema = await _fx.Client.SendAsync(GlanceApi.Request(HttpMethod.Get, "/v2/schemas/image", _fx.Ids.Owner));
        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.NotFound, HttpStatusCode.OK), (shown.StatusCode, hidden.StatusCode, schema.StatusCode));

        var events = await EventuallyAsync(3);

        Assert.Equal(3, events.Count); // add_image, two get_image; the schema is not an edge decision
        Assert.All(events, e => Assert.Equal("http://schemas.dmtf.org/cloud/audit/1.0/event", e.GetProperty("typeURI").GetString()));
        var allowed = Single(events, shown);
        Assert.Equal(("read", "success"), (allowed.GetProperty("action").GetString(), allowed.GetProperty("outcome").GetString()));
        Assert.Equal($"/v2/images/{image}", allowed.GetProperty("requestPath").GetString());
        Assert.Equal("service/storage/image/images/image", allowed.GetProperty("target").GetProperty("typeURI").GetString());
        Assert.Equal(("owner-user", "project-a"), (allowed.GetProperty("initiator").GetProperty("id").GetString(), allowed.GetProperty("initiator").GetProperty("project_id").GetString()));
        Assert.Equal(("127.0.0.1", "python-glanceclient/4.7.0"), (allowed.GetProperty("initiator").GetProperty("host").GetProperty("address").GetString(), allowed.GetProperty("initiator").GetProperty("host").GetProperty("agent").GetString()));
        Assert.Equal("200", allowed.GetProperty("reason").GetProperty("reasonCode").GetString());
        Assert.Matches(@"^glance:get_image@[0-9a-f]{12}$", allowed.GetProperty("reason").GetProperty("policyId").GetString());
        var refused = Single(events, hidden);
        Assert.Equal(("read", "failure", "404"), (refused.GetProperty("action").GetString(), refused.GetProperty("outcome").GetString(), refused.GetProperty("reason").GetProperty("reasonCode").GetString()));
        var created = Assert.Single(events, e => e.GetProperty("action").GetString() == "create");
        Assert.Equal(("/v2/images", "service/storage/image/images"), (created.GetProperty("requestPath").GetString(), created.GetProperty("target").GetProperty("typeURI").GetString()));
    }

    [Fact]
    public async Task CadfAuditFile_HasNoTokenOrTokenHash()
    {
        var image = await GlanceApi.CreateImageAsync(_fx.Client, _fx.Ids.Owner, "shared");
        await GlanceApi.AddMemberAsync(_fx.Client, _fx.Ids.Owner, image, "project-b");
        (await GlanceApi.DeleteMemberAsync(_fx.Client, _fx.Ids.Member, image, "project-b")).Dispose();
        (await GlanceApi.DeleteMemberAsync(_fx.Client, "unknown-token-value", image, "project-b")).Dispose();
        await EventuallyAsync(4);

        var audit = GatewayHost.SharedRead(AuditFile);

        Assert.Contains("\"initiator\"", audit, StringComparison.Ordinal);
        foreach (var secret in new[] { _fx.Ids.Owner, _fx.Ids.Member, "unknown-token-value", KeystoneStub.ServiceToken })
        {
            Assert.DoesNotContain(secret, audit, StringComparison.Ordinal);
            Assert.DoesNotContain(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret))), audit, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("credential", audit, StringComparison.Ordinal);
    }

    private static JsonElement Single(IReadOnlyList<JsonElement> events, HttpResponseMessage response)
    {
        var tag = "correlation_id?value=" + response.Headers.GetValues(RequestId.HeaderName).Single();
        return Assert.Single(events, e => e.GetProperty("tags").EnumerateArray().Any(t => t.GetString() == tag));
    }

    // The audit is written as the response starts, so it may trail the client's answer (bounded, as AuditEvent.EventuallyAsync).
    private async Task<IReadOnlyList<JsonElement>> EventuallyAsync(int count)
    {
        for (var i = 0; ; i++)
        {
            var events = GatewayHost.SharedRead(AuditFile)
                .Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(line => JsonDocument.Parse(line).RootElement.Clone())
                .ToList();
            if (events.Count >= count || i == 100)
            {
                return events;
            }

            await Task.Delay(50);
        }
    }
}
