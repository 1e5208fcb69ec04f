using System.Buffers;
using System.Text.Json;
using Glance.Policy.Errors;
using Glance.Policy.Operations;
using Glance.Policy.Routing;

namespace Glance.Gateway.EdgePolicy;

/// <summary>
/// The JSON body of an operation whose decision reads it, read as Glance's
/// <c>JSONRequestDeserializer</c> reads it (no body: <c>Body expected in request.</c>; not JSON:
/// <c>Malformed JSON in request body.</c>; a scalar: <c>Unexpected body type. Expected
/// list/dict.</c>), buffered so that YARP forwards it from its first byte. A body larger than
/// <see cref="MaxBytes"/> is not read: the edge cannot decide it, and says so.
/// </summary>
public static class EdgeRequestBody
{
    /// <summary>The largest body the edge reads (the hosted store's own limit for JSON bodies).</summary>
    public const int MaxBytes = 64 * 1024;

    /// <summary>The body's outcome: a parsed document, the deserializer's refusal, or too large to read.</summary>
    public readonly record struct Outcome(JsonDocument? Document, Refusal? Error, bool TooLarge);

    /// <summary>No body where the deserializer expects one.</summary>
    public static Outcome Missing { get; } = new(null, new Refusal(400, "Body expected in request.", Reason: "BadRequestBody"), false);

    /// <summary>Reads and rewinds the body.</summary>
    public static async Task<Outcome> ReadAsync(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!GlanceRequestBody.HasBody(request))
        {
            return Missing;
        }

        if (request.ContentLength > MaxBytes)
        {
            return new(null, null, true);
        }

        request.EnableBuffering(MaxBytes);
        var buffer = new ArrayBufferWriter<byte>((int)Math.Min(request.ContentLength ?? 4096, MaxBytes) + 1);
        try
        {
            while (true)
            {
                var read = await request.Body.ReadAsync(buffer.GetMemory(4096), request.HttpContext.RequestAborted);
                if (read == 0)
                {
                    break;
                }

                buffer.Advance(read);
                if (buffer.WrittenCount > MaxBytes)
                {
                    return new(null, null, true);
                }
            }
        }
        finally
        {
            request.Body.Position = 0;
        }

        return Parse(buffer.WrittenMemory);
    }

    /// <summary>
    /// A body already read, as the deserializer takes it: the parsed document or its refusal (the
    /// operators' <c>policy explain</c> reads a request body from a file through here).
    /// </summary>
    public static Outcome Parse(ReadOnlyMemory<byte> body)
    {
        if (GlanceRequestBody.JsonError(body.Span) is { } error)
        {
            return new(null, new Refusal(400, error, Reason: "BadRequestBody"), false);
        }

        try
        {
            return new(JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 32 }), null, false);
        }
        catch (JsonException)
        {
            return new(null, new Refusal(400, GlanceRequestBody.MalformedJson, Reason: "BadRequestBody"), false);
        }
    }
}
