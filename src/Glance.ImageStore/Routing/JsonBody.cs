using System.Buffers;
using System.Text.Json;
using Glance.ImageStore.Errors;
using Glance.Policy.Errors;
using Glance.Policy.Routing;

namespace Glance.ImageStore.Routing;

/// <summary>
/// Reads a small JSON request body with a size limit. A body over the limit is a 413 (decided
/// from Content-Length before anything is read, or while reading a chunked body); a missing body
/// is Glance's 400 "Body expected in request."; a body that is not JSON (an empty chunked one too)
/// is "Malformed JSON in request body.", a JSON scalar "Unexpected body type. Expected list/dict."
/// (Glance's <c>from_json</c>, <see cref="GlanceRequestBody.JsonError"/>).
/// On any of these it writes the answer and returns null.
/// </summary>
internal static class JsonBody
{
    public static async Task<JsonDocument?> ReadAsync(HttpContext context, long maxBytes)
    {
        var request = context.Request;
        if (request.ContentLength > maxBytes)
        {
            await GlanceErrorWriter.WriteAsync(context, 413, GlanceErrorWriter.BodyTooLarge);
            return null;
        }

        if (!Resource.HasBody(context))
        {
            await GlanceErrorWriter.WriteAsync(context, 400, "Body expected in request.");
            return null;
        }

        var buffer = new ArrayBufferWriter<byte>((int)Math.Min(request.ContentLength ?? 4096, maxBytes) + 1);
        while (true)
        {
            var memory = buffer.GetMemory(4096);
            var read = await request.Body.ReadAsync(memory, context.RequestAborted);
            if (read == 0)
            {
                break;
            }

            buffer.Advance(read);
            if (buffer.WrittenCount > maxBytes)
            {
                await GlanceErrorWriter.WriteAsync(context, 413, GlanceErrorWriter.BodyTooLarge);
                return null;
            }
        }

        // JSONRequestDeserializer.from_json, as Python's json.loads reads it: a chunked body that
        // turns out empty is malformed, a scalar is not a list or dict.
        if (GlanceRequestBody.JsonError(buffer.WrittenSpan) is { } error)
        {
            await GlanceErrorWriter.WriteAsync(context, 400, error);
            return null;
        }

        try
        {
            return JsonDocument.Parse(buffer.WrittenMemory, new JsonDocumentOptions { MaxDepth = 32 });
        }
        catch (JsonException)
        {
            await GlanceErrorWriter.WriteAsync(context, 400, ErrorMessages.MalformedJson);
            return null;
        }
    }
}
