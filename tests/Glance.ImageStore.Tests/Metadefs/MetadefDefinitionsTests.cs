using System.Net;
using System.Text.Json;
using Glance.ImageStore.Metadefs;
using Glance.ImageStore.Tests.Support;
using PropertyTypeJson = Glance.Policy.Operations.PropertyTypeJson;

namespace Glance.ImageStore.Tests.Metadefs;

/// <summary>
/// The shipped definitions: every Debian file is embedded, they are loaded once per database (a
/// namespace deleted afterwards stays deleted across restarts, as after one glance-manage
/// db_load_metadefs), and property definitions convert as WSME converts them.
/// </summary>
public sealed class MetadefDefinitionsTests
{
    private const string DebianFolder = "/etc/glance/metadefs";

    [Fact]
    public void Read_EveryDebianFile_IsEmbedded()
    {
        Assert.True(Directory.Exists(DebianFolder), $"{DebianFolder} is missing: apt-get install glance-common");
        var expected = Directory.GetFiles(DebianFolder, "*.json")
            .Select(f => JsonDocument.Parse(File.ReadAllText(f)).RootElement.GetProperty("namespace").GetString())
            .Order(StringComparer.Ordinal);
        Assert.Equal(expected, MetadefDefinitions.Read().Select(n => n.Namespace).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.PostgreSQL)]
    public async Task LoadOnce_DeletedNamespace_StaysDeletedAfterARestart(DatabaseProvider engine)
    {
        await using var store = await StoreInstance.StartAsync(engine: engine);
        var admin = store.Client(Caller.Admin);
        using (var unprotect = await admin.SendAsync(HttpMethod.Put, "v2/metadefs/namespaces/OS::Compute::Watchdog", StoreClient.Json("{\"namespace\": \"OS::Compute::Watchdog\", \"visibility\": \"public\"}")))
        {
            Assert.Equal(HttpStatusCode.OK, unprotect.StatusCode);
        }

        using (var delete = await admin.SendAsync(HttpMethod.Delete, "v2/metadefs/namespaces/OS::Compute::Watchdog"))
        {
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        }

        await store.StopAsync();
        await store.StartAgainAsync();
        admin = store.Client(Caller.Admin);

        using var gone = await admin.SendAsync(HttpMethod.Get, "v2/metadefs/namespaces/OS::Compute::Watchdog");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        using var kept = await admin.SendAsync(HttpMethod.Get, "v2/metadefs/namespaces/OS::Compute::VirtCPUTopology");
        Assert.Equal(HttpStatusCode.OK, kept.StatusCode);
    }

    [Theory]
    [InlineData("""{"title": "T", "type": "string", "default": true}""", """{"type": "string", "title": "T", "default": "True"}""")]
    [InlineData("""{"type": "integer", "title": "T", "minimum": 1.7, "maximum": "5", "default": 2.0}""", """{"type": "integer", "title": "T", "default": "2.0", "minimum": 1, "maximum": 5}""")]
    [InlineData("""{"title": "T", "type": "array", "items": {"enum": ["a"], "type": "string"}, "default": [1], "readonly": 1}""", """{"type": "array", "title": "T", "default": null, "readonly": true, "items": {"type": "string", "enum": ["a"]}}""")]
    [InlineData("""{"title": "T", "type": "number", "default": 1e20, "description": null}""", """{"type": "number", "title": "T", "description": null, "default": "1e+20"}""")]
    public void PropertyType_ConvertsAsWsme(string input, string expected)
    {
        using var document = JsonDocument.Parse(input);
        Assert.Null(PropertyTypeJson.Problem(document.RootElement));
        using var actual = JsonDocument.Parse(PropertyTypeJson.ToText(document.RootElement));
        Assert.Equal(expected, PythonDump(actual.RootElement));
    }

    private static string PythonDump(JsonElement element)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        Glance.ImageStore.Routing.PythonJson.Write(System.Text.Encoding.UTF8.GetBytes(element.GetRawText()), buffer);
        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
