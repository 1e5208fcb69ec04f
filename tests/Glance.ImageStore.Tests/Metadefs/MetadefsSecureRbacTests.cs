using System.Net;
using System.Text.Json.Nodes;
using Glance.ImageStore.Tests.Support;

namespace Glance.ImageStore.Tests.Metadefs;

/// <summary>
/// The metadef API under Glance's secure RBAC (enforce_new_defaults and enforce_scope): the
/// readers' rules are <c>role:admin or (role:reader and (project_id:%(project_id)s or
/// 'public':%(visibility)s))</c>, the writers' <c>role:admin</c>; a refusal is a bare 404 when
/// <c>get_metadef_namespace</c> refuses too. (Compared with a secure Glance 25.1 for a project
/// member-and-reader and an admin: the same answers.)
/// </summary>
public abstract class MetadefsSecureRbacTests(SecureStoreFixture fixture)
{
    private StoreClient Admin => fixture.Store.Client(Caller.Admin);

    private async Task<string> CreateAsync(string visibility, string? owner = null)
    {
        var name = "test-" + Guid.NewGuid().ToString("N")[..12];
        var ownerJson = owner is null ? string.Empty : $", \"owner\": \"{owner}\"";
        using var response = await Admin.SendAsync(HttpMethod.Post, "v2/metadefs/namespaces", StoreClient.Json($"{{\"namespace\": \"{name}\", \"visibility\": \"{visibility}\"{ownerJson}}}"));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return name;
    }

    [Fact]
    public async Task Reader_SeesPublicAndOwnNamespaces_AndMayNotWrite()
    {
        var project = "md-" + Guid.NewGuid().ToString("N");
        var reader = fixture.Store.Client(Caller.Reader(project));
        var publicName = await CreateAsync("public");
        var own = await CreateAsync("private", owner: project);
        var foreign = await CreateAsync("private");

        using (var show = await reader.SendAsync(HttpMethod.Get, $"v2/metadefs/namespaces/{publicName}"))
        {
            Assert.Equal(HttpStatusCode.OK, show.StatusCode);
        }

        using (var show = await reader.SendAsync(HttpMethod.Get, $"v2/metadefs/namespaces/{own}"))
        {
            Assert.Equal(HttpStatusCode.OK, show.StatusCode);
        }

        using (var hidden = await reader.SendAsync(HttpMethod.Get, $"v2/metadefs/namespaces/{foreign}"))
        {
            Assert.Equal(HttpStatusCode.NotFound, hidden.StatusCode);
            Assert.Equal("The resource could not be found.", await ErrorText.ExplanationAsync(hidden));
        }

        using var list = await reader.SendAsync(HttpMethod.Get, "v2/metadefs/namespaces?limit=1000");
        var names = JsonNode.Parse(await list.Content.ReadAsStringAsync())!["namespaces"]!.AsArray().Select(n => (string)n!["namespace"]!).ToList();
        Assert.Contains(publicName, names);
        Assert.Contains(own, names);
        Assert.DoesNotContain(foreign, names);

        using var create = await reader.SendAsync(HttpMethod.Post, "v2/metadefs/namespaces", StoreClient.Json("{\"namespace\": \"test-reader\"}"));
        Assert.Equal(HttpStatusCode.Forbidden, create.StatusCode);
        Assert.Equal("You are not authorized to complete add_metadef_namespace action.", await ErrorText.ExplanationAsync(create));

        using var tag = await reader.SendAsync(HttpMethod.Post, $"v2/metadefs/namespaces/{publicName}/tags/t");
        Assert.Equal(HttpStatusCode.Forbidden, tag.StatusCode);
        Assert.Equal("You are not authorized to complete add_metadef_tag action.", await ErrorText.ExplanationAsync(tag));
    }

    [Fact]
    public async Task MemberWithoutReaderRole_GetsBare404s()
    {
        var member = fixture.Store.Client(Caller.MemberOnly("md-" + Guid.NewGuid().ToString("N")));
        var publicName = await CreateAsync("public");

        // get_metadef_namespaces refuses, and so does get_metadef_namespace: not 403 but 404.
        using var list = await member.SendAsync(HttpMethod.Get, "v2/metadefs/namespaces");
        Assert.Equal(HttpStatusCode.NotFound, list.StatusCode);
        Assert.Equal("The resource could not be found.", await ErrorText.ExplanationAsync(list));

        using var show = await member.SendAsync(HttpMethod.Get, $"v2/metadefs/namespaces/{publicName}");
        Assert.Equal(HttpStatusCode.NotFound, show.StatusCode);

        using var tag = await member.SendAsync(HttpMethod.Post, $"v2/metadefs/namespaces/{publicName}/tags/t");
        Assert.Equal(HttpStatusCode.NotFound, tag.StatusCode);
        Assert.Equal("The resource could not be found.", await ErrorText.ExplanationAsync(tag));
    }

    [Fact]
    public async Task SystemScopedAdmin_FailsEveryProjectScopedRule()
    {
        var system = fixture.Store.Client(Caller.SystemAdmin);
        using var list = await system.SendAsync(HttpMethod.Get, "v2/metadefs/namespaces");
        Assert.Equal(HttpStatusCode.NotFound, list.StatusCode);
        using var types = await system.SendAsync(HttpMethod.Get, "v2/metadefs/resource_types");
        Assert.Equal(HttpStatusCode.NotFound, types.StatusCode);
    }

    [Fact]
    public async Task Admin_WritesAsInLegacyMode()
    {
        var name = await CreateAsync("private");
        using var tag = await Admin.SendAsync(HttpMethod.Post, $"v2/metadefs/namespaces/{name}/tags/t");
        Assert.Equal(HttpStatusCode.Created, tag.StatusCode);
        using var delete = await Admin.SendAsync(HttpMethod.Delete, $"v2/metadefs/namespaces/{name}");
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
    }

    public sealed class Sqlite(SecureStoreFixture fixture) : MetadefsSecureRbacTests(fixture), IClassFixture<SecureStoreFixture>;

    public sealed class PostgreSql(SecurePostgresStoreFixture fixture) : MetadefsSecureRbacTests(fixture), IClassFixture<SecurePostgresStoreFixture>;
}
