using System.Text.Json;
using Glance.Policy.Responses;

namespace Glance.ImageStore.Routing;

/// <summary>Writes a JSON answer as Glance's does (<see cref="PythonJson"/>), with its Content-Length (<see cref="ResponseBody"/>).</summary>
internal static class JsonResponse
{
    public static Task WriteAsync(HttpContext context, int statusCode, Action<Utf8JsonWriter> write, bool ensureAscii = true)
    {
        var compact = new System.Buffers.ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(compact, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            write(writer);
        }

        var buffer = new System.Buffers.ArrayBufferWriter<byte>(compact.WrittenCount + (compact.WrittenCount / 8) + 16);
        PythonJson.Write(compact.WrittenSpan, buffer, ensureAscii);

        var response = context.Response;
        response.StatusCode = statusCode;
        response.ContentType = "application/json";
        return ResponseBody.WriteAsync(context, buffer.WrittenMemory);
    }
}
