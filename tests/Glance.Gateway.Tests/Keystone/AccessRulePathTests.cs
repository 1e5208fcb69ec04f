using Glance.Gateway.Keystone;

namespace Glance.Gateway.Tests.Keystone;

/// <summary>
/// The access-rule path glob against keystonemiddleware's own cases
/// (keystonemiddleware/tests/unit/test_access_rules.py, Debian's python3-keystonemiddleware).
/// </summary>
public sealed class AccessRulePathTests
{
    [Theory]
    [InlineData("/v2/servers", "/v2/servers")]
    [InlineData("/v2/servers/123", "/v2/servers/{server_id}")]
    [InlineData("/v2/servers/123/", "/v2/servers/{server_id}/")]
    [InlineData("/v2/servers/123", "/v2/servers/*")]
    [InlineData("/v2/servers/123/", "/v2/servers/*/")]
    [InlineData("/v2/servers/123", "/v2/servers/**")]
    [InlineData("/v2/servers/123/", "/v2/servers/**")]
    [InlineData("/v2/servers/123/456", "/v2/servers/**")]
    [InlineData("/v2/servers", "**")]
    [InlineData("/v2/servers/", "**")]
    [InlineData("/v2/servers/123", "**")]
    [InlineData("/v2/servers/123/456", "**")]
    [InlineData("/v2/servers/123/volume/456", "**")]
    [InlineData("/v2/servers/123/456", "/v2/*/*/*")]
    [InlineData("/v2/123/servers/466", "/v2/{project_id}/servers/{server_id}")]
    // Glance's paths, as the E2E credential restricts them.
    [InlineData("/v2/images", "/v2/images")]
    [InlineData("/v2/images/1bea47ed-f6a9-463b-b423-14b9cca9ad27", "/v2/images/*")]
    // Literals are not escaped in keystonemiddleware's expression either: '.' is any character.
    [InlineData("/v2/imagesXjson", "/v2/images.json")]
    public void GoodMatches(string request, string pattern) => Assert.True(AccessRule.PathMatches(request, pattern));

    [Theory]
    [InlineData("/v2/servers/someuuid", "/v2/servers")]
    [InlineData("/v2/servers//", "/v2/servers/{server_id}")]
    [InlineData("/v2/servers/123/", "/v2/servers/{server_id}")]
    [InlineData("/v2/servers/123/456", "/v2/servers/{server_id}")]
    [InlineData("/v2/servers/123/456", "/v2/servers/*")]
    [InlineData("/v2/servers", "v2/servers")]
    [InlineData("/v2/servers/123/456/789", "/v2/*/*/*")]
    [InlineData("/v2/servers/123/", "/v2/*/*/*")]
    [InlineData("/v2/servers/", "/v2/servers/{server_id}")]
    [InlineData("/v2/servers", "/v2/servers/{server_id}")]
    // A member DELETE and an upload are not "GET /v2/images/*".
    [InlineData("/v2/images/1bea47ed-f6a9-463b-b423-14b9cca9ad27/members/project-b", "/v2/images/*")]
    [InlineData("/v2/images/1bea47ed-f6a9-463b-b423-14b9cca9ad27/file", "/v2/images/*")]
    // A pattern that is not a valid expression matches nothing (Python's re would raise).
    [InlineData("/v2/images(", "/v2/images(")]
    public void BadMatches(string request, string pattern) => Assert.False(AccessRule.PathMatches(request, pattern));

    [Theory]
    [InlineData("image", "GET", "/v2/images", true)]
    [InlineData("image", "get", "/v2/images", false)]      // methods compare exactly, as in Python
    [InlineData("compute", "GET", "/v2/images", false)]    // another service's rule
    [InlineData("image", "DELETE", "/v2/images", false)]
    public void Allows_ComparesServiceMethodAndPath(string service, string method, string path, bool allowed) =>
        Assert.Equal(allowed, new AccessRule("image", "GET", "/v2/images").Allows(service, method, path));
}
