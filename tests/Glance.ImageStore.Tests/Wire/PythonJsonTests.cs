using System.Buffers;
using System.Text;
using Glance.ImageStore.Routing;

namespace Glance.ImageStore.Tests.Wire;

/// <summary>The store's JSON as Python's json.dumps writes it (Glance's jsonutils), checked against /usr/bin/python3's own output where it matters.</summary>
public sealed class PythonJsonTests
{
    [Theory]
    [InlineData("{\"images\":[],\"first\":\"/v2/images?a=1,b\",\"schema\":\"/v2/schemas/images\"}",
        "{\"images\": [], \"first\": \"/v2/images?a=1,b\", \"schema\": \"/v2/schemas/images\"}")]
    [InlineData("{\"name\":\"caf\u00e9 \ud83d\ude00\",\"n\":[1,2,{\"k\":null}]}",
        "{\"name\": \"caf\\u00e9 \\ud83d\\ude00\", \"n\": [1, 2, {\"k\": null}]}")]
    [InlineData("{\"q\":\"a\\\"b\\\\c:d,e\\u001F\"}", "{\"q\": \"a\\\"b\\\\c:d,e\\u001f\"}")]
    public void Write_CompactJson_IsSpacedAndAsciiAsPythonDumps(string compact, string python)
    {
        var output = new ArrayBufferWriter<byte>();

        PythonJson.Write(Encoding.UTF8.GetBytes(compact), output);

        Assert.Equal(python, Encoding.UTF8.GetString(output.WrittenSpan));
    }
}
