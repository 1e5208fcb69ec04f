using System.Net;
using Glance.Gateway.HeaderHygiene;
using Glance.Gateway.EdgePolicy;
using Glance.Gateway.Tests.Support;
using Glance.Policy.Members;
using Glance.Policy.RequestIds;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Glance.Gateway.Tests.EdgePolicy;

/// <summary>
/// The pre-check's memory of an image's visibility and owner: bounded in time, off at 0, and
/// forgotten by any write to the image that passes through the gateway.
/// </summary>
[Trait("Host", "Any")]
public sealed class ImageFactsCacheTests
{
    [Fact]
    public void TryGet_WithinLifetime_ReturnsTheFacts()
    {
        var time = new FakeTimeProvider();
        var cache = new ImageFactsCache(Options.Create(new BackendOptions { MetadataCacheSeconds = 2 }), time);
        cache.Set(new ImageFacts("img", "shared", "owner"));

        time.Advance(TimeSpan.FromSeconds(1.9));

        Assert.True(cache.TryGet("img", out var facts));
        Assert.Equal(("shared", "owner"), (facts.Visibility, facts.Owner));
    }

    [Fact]
    public void TryGet_AfterLifetime_IsAMiss()
    {
        var time = new FakeTimeProvider();
        var cache = new ImageFactsCache(Options.Create(new BackendOptions { MetadataCacheSeconds = 2 }), time);
        cache.Set(new ImageFacts("img", "shared", "owner"));

        time.Advance(TimeSpan.FromSeconds(2));

        Assert.False(cache.TryGet("img", out _));
    }

    [Fact]
    public void TryGet_LifetimeZero_NeverRemembers()
    {
        var cache = new ImageFactsCache(Options.Create(new BackendOptions { MetadataCacheSeconds = 0 }), new FakeTimeProvider());
        cache.Set(new ImageFacts("img", "shared", "owner"));

        Assert.False(cache.IsEnabled);
        Assert.False(cache.TryGet("img", out _));
    }

    [Fact]
    public void Forget_RemembersNothingOfThatImage()
    {
        var cache = new ImageFactsCache(Options.Create(new BackendOptions()), new FakeTimeProvider());
        cache.Set(new ImageFacts("img", "shared", "owner"));
        cache.Set(new ImageFacts("other", "shared", "owner"));

        cache.Forget("img");

        Assert.False(cache.TryGet("img", out _));
        Assert.True(cache.TryGet("other", out _));
    }

    [Theory]
    [InlineData("PATCH", "/v2/images/abc", "abc")]
    [InlineData("DELETE", "/v2/images/abc", "abc")]
    [InlineData("POST", "/v2/images/abc/actions/deactivate", "abc")]
    [InlineData("PUT", "/v2/images/abc/file", "abc")]
    [InlineData("PUT", "/v2/images/abc/tags/x", "abc")]
    [InlineData("GET", "/v2/images/abc", null)]
    [InlineData("HEAD", "/v2/images/abc", null)]
    [InlineData("DELETE", "/v2/images/abc/members/m", null)]
    [InlineData("POST", "/v2/images/abc/members", null)]
    [InlineData("POST", "/v2/images", null)]
    [InlineData("POST", "/v2/images/", null)]
    [InlineData("DELETE", "/v2/images//members/m", null)]
    [InlineData("POST", "/v2/images/abc?_method=GET", null)]
    [InlineData("GET", "/v2/images/abc?_method=DELETE", "abc")]
    [InlineData("DELETE", "/v2/stores/file1/abc", "abc")]
    [InlineData("POST", "/v2/images/abc/import", "abc")]
    public void ChangedImage_RoutedRequest_NamesTheImageItMayChange(string method, string path, string? expected)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestFeature>()!.RawTarget = path;
        var routing = Glance.Policy.Routing.GlanceRoutes.Resolve(Glance.Policy.Routing.RequestTarget.Of(context), method);

        Assert.Equal(expected, ImageWriteStep.ChangedImage(routing));
    }

    [Fact]
    public async Task MemberDelete_AfterVisibilityChangeThroughTheGateway_SeesTheNewVisibility()
    {
        await using var fx = await GatewayFixture.StartAsync(new Dictionary<string, string?> { ["Backend:MetadataCacheSeconds"] = "60" });
        var image = await GlanceApi.CreateImageAsync(fx.Client, fx.Ids.Owner, "shared");
        await GlanceApi.AddMemberAsync(fx.Client, fx.Ids.Owner, image, Identities.MemberProject);
        await GlanceApi.AddMemberAsync(fx.Client, fx.Ids.Owner, image, Identities.OtherMemberProject);
        using (var first = await GlanceApi.DeleteMemberAsync(fx.Client, fx.Ids.Owner, image, Identities.MemberProject))
        {
            Assert.Equal(HttpStatusCode.NoContent, first.StatusCode);
        }

        await GlanceApi.PatchAsync(fx.Client, fx.Ids.Owner, image, "[{\"op\": \"replace\", \"path\": \"/visibility\", \"value\": \"private\"}]");
        using var second = await GlanceApi.DeleteMemberAsync(fx.Client, fx.Ids.Owner, image, Identities.OtherMemberProject, "application/json");

        Assert.Equal(HttpStatusCode.Forbidden, second.StatusCode);
        Assert.Contains(MemberDeletePolicy.NotAllowed(image), await second.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var requestId = second.Headers.GetValues(RequestId.HeaderName).Single();
        var audit = Assert.Single(fx.Gateway.AuditEvents(), e => e.Get("RequestId") == requestId);
        Assert.Equal("deny", audit.Get("Decision"));
        Assert.Equal((int)MemberDeleteRule.ImageNotShared, audit.Number("Rule"));
        Assert.Null(audit.Number("BackendStatus"));

        // Shared again (a private image lists no members): the refused member is still there.
        await GlanceApi.PatchAsync(fx.Client, fx.Ids.Owner, image, "[{\"op\": \"replace\", \"path\": \"/visibility\", \"value\": \"shared\"}]");
        Assert.True(await GlanceApi.MemberExistsAsync(fx.Client, fx.Ids.Admin, image, Identities.OtherMemberProject));
    }
}
