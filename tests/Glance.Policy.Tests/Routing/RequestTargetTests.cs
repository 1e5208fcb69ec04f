using Glance.Policy.Routing;

namespace Glance.Policy.Tests.Routing;

/// <summary>
/// CONFORMANCE section 6, step by step, over <see cref="RequestTarget.Parse"/>: OPTIONS, version
/// negotiation (URL and media type), percent-decoding with %2F, collapsed slashes, literal dot
/// segments, case-sensitive literals, the query set aside; and the path forwarded to a backend.
/// </summary>
public sealed class RequestTargetTests
{
    [Theory]
    [InlineData("OPTIONS", "/v2/images", null, RequestTargetKind.Options, null)]
    [InlineData("OPTIONS", "*", null, RequestTargetKind.Options, null)]
    [InlineData("OPTIONS", "/", null, RequestTargetKind.Options, null)]
    [InlineData("OPTIONS", "/versions", null, RequestTargetKind.Versions, null)]
    [InlineData("DELETE", "/versions/", null, RequestTargetKind.Versions, null)]
    [InlineData("GET", "/versions", null, RequestTargetKind.Versions, null)]
    [InlineData("GET", "/versions/", null, RequestTargetKind.Versions, null)]
    [InlineData("GET", "//versions", null, RequestTargetKind.Versions, null)]
    [InlineData("GET", "/", null, RequestTargetKind.VersionChoices, null)]
    [InlineData("GET", "/images/abc", null, RequestTargetKind.VersionChoices, null)]
    [InlineData("GET", "/v1/images", null, RequestTargetKind.VersionChoices, null)]
    [InlineData("GET", "/V2/images", null, RequestTargetKind.VersionChoices, null)]
    [InlineData("GET", "/v2.8/images", null, RequestTargetKind.VersionChoices, null)]
    [InlineData("GET", "/v2.16/images", null, RequestTargetKind.VersionChoices, null)]
    [InlineData("GET", "/v3/images", null, RequestTargetKind.VersionChoices, null)]
    [InlineData("GET", "/v2/images", null, RequestTargetKind.Api, "/v2/images")]
    [InlineData("GET", "/v2.0/images", null, RequestTargetKind.Api, "/v2/images")]
    [InlineData("GET", "/v2.7/images", null, RequestTargetKind.Api, "/v2/images")]
    [InlineData("GET", "/v2.9/images", null, RequestTargetKind.Api, "/v2/images")]
    [InlineData("GET", "/v2.15/images", null, RequestTargetKind.Api, "/v2/images")]
    [InlineData("GET", "//v2/images", null, RequestTargetKind.Api, "/v2/images")]
    [InlineData("GET", "/v2//images//abc", null, RequestTargetKind.Api, "/v2/images/abc")]
    [InlineData("GET", "/v2/images/abc/", null, RequestTargetKind.Api, "/v2/images/abc/")]
    [InlineData("GET", "/v2/images/a%2Fb/members", null, RequestTargetKind.Api, "/v2/images/a/b/members")]
    [InlineData("GET", "/v2%2Fimages", null, RequestTargetKind.Api, "/v2/images")]
    [InlineData("GET", "/v2/images/%2E%2E/x", null, RequestTargetKind.Api, "/v2/images/../x")]
    [InlineData("GET", "/v2/images/../images", null, RequestTargetKind.Api, "/v2/images/../images")]
    [InlineData("GET", "/v2/images/./x", null, RequestTargetKind.Api, "/v2/images/./x")]
    [InlineData("GET", "/v2/images/abc?a=1&b=/v2", null, RequestTargetKind.Api, "/v2/images/abc")]
    [InlineData("GET", "/v2/images/%zz", null, RequestTargetKind.Api, "/v2/images/%zz")]
    [InlineData("GET", "http://example.com:9292/v2/images", null, RequestTargetKind.VersionChoices, null)]
    [InlineData("GET", "/images/abc", "application/vnd.openstack.images-v2", RequestTargetKind.Api, "/v2/images/abc")]
    [InlineData("GET", "/v2/images", "application/vnd.openstack.images-v2", RequestTargetKind.Api, "/v2/v2/images")]
    [InlineData("GET", "/v2/images", "application/vnd.openstack.images-v2.8", RequestTargetKind.VersionChoices, null)]
    [InlineData("GET", "/v2/images", "application/vnd.openstack.images-v2, */*", RequestTargetKind.VersionChoices, null)]
    [InlineData("GET", "/v2/images", "application/json", RequestTargetKind.Api, "/v2/images")]
    public void Parse_RawTarget_IsRoutedAsGlanceRoutesIt(string method, string raw, string? accept, RequestTargetKind kind, string? path)
    {
        var target = RequestTarget.Parse(method, raw, accept, GlanceApiVersions.Default);

        Assert.Equal(kind, target.Kind);
        if (path is not null)
        {
            Assert.Equal(path, target.Path);
        }
    }

    [Theory]
    [InlineData(false, false, "v2.8", false)]
    [InlineData(false, true, "v2.8", true)]
    [InlineData(false, true, "v2.13", true)]
    [InlineData(true, false, "v2.16", true)]
    [InlineData(true, false, "v2.14", true)]
    [InlineData(false, false, "v2.16", false)]
    [InlineData(false, false, "v2.15", true)]
    public void Versions_CacheAndStores_AllowWhatGlanceAllows(bool cache, bool stores, string version, bool allowed)
    {
        Assert.Equal(allowed, new GlanceApiVersions(cache, stores).IsAllowed(version));
    }

    [Theory]
    [InlineData("/images/abc", "application/vnd.openstack.images-v2.1", true)]
    [InlineData("/v2/images/abc", null, false)]
    [InlineData("/v2/images/abc", "application/json", false)]
    public void Parse_VersionFromMediaType_IsRecordedForTheForwarder(string raw, string? accept, bool fromMediaType)
    {
        Assert.Equal(fromMediaType, RequestTarget.Parse("GET", raw, accept, GlanceApiVersions.Default).VersionFromMediaType);
    }

    [Fact]
    public void Parse_BlankImageId_OnlyForDelete()
    {
        Assert.True(RequestTarget.Parse("DELETE", "/v2/images//members/m", null, GlanceApiVersions.Default).HasBlankImageId);
        Assert.False(RequestTarget.Parse("GET", "/v2/images//members/m", null, GlanceApiVersions.Default).HasBlankImageId);
        Assert.False(RequestTarget.Parse("DELETE", "/v2/images//members", null, GlanceApiVersions.Default).HasBlankImageId);
        Assert.False(RequestTarget.Parse("DELETE", "/v2/images//members/m/x", null, GlanceApiVersions.Default).HasBlankImageId);
    }

    [Theory]
    [InlineData("/v2/images/abc/members/def", "/v2/images/abc/members/def")]
    [InlineData("/v2/images/abc/members/..", "/v2/images/abc/members/%2E%2E")]
    [InlineData("/v2/images/./x", "/v2/images/%2E/x")]
    [InlineData("/v2/images/a%20b", "/v2/images/a%20b")]
    [InlineData("/v2/images/a%25b", "/v2/images/a%25b")]
    [InlineData("/v2/images/%C3%A9", "/v2/images/%C3%A9")]
    [InlineData("/v2/images/a?b", "/v2/images/a")]
    [InlineData("/v2/images/x/", "/v2/images/x/")]
    public void EncodedPath_DecodesToTheSameSegments(string raw, string encoded)
    {
        var target = RequestTarget.Parse("GET", raw, null, GlanceApiVersions.Default);

        Assert.Equal(encoded, target.EncodedPath());
        Assert.Equal(target.Path, RequestTarget.Parse("GET", encoded, null, GlanceApiVersions.Default).Path);
    }
}
