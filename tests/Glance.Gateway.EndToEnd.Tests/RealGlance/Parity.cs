using System.Net.Http.Headers;
using System.Text;
using Glance.Policy.RequestIds;

namespace Glance.Gateway.EndToEnd.Tests.RealGlance;

/// <summary>
/// One request as a client sends it, to be sent once to Glance and once to the gateway. In
/// <see cref="Path"/>, <c>{image}</c> stands for each side's own image id as the test's id form
/// writes it (<see cref="ImageForm"/>).
/// </summary>
public sealed record ParityRequest(HttpMethod Method, string Path, string? Token, string? Accept = null, string? Body = null, string? ContentType = null);

/// <summary>
/// What one side answered: status, the headers that carry the error format and the challenge, and
/// the body, with that side's image id replaced by <c>{image}</c> (each side has its own image), and
/// <c>Accept-Patch</c> (Glance sends it with the 415 of an image PATCH only).
/// </summary>
public sealed record ParityAnswer(int Status, string? ContentType, string? Allow, string? WwwAuthenticate, string Body, string? AcceptPatch = null)
{
    /// <inheritdoc />
    public override string ToString()
    {
        var text = new StringBuilder().Append(Status);
        if (ContentType is not null)
        {
            text.Append(" Content-Type: ").Append(ContentType);
        }

        if (Allow is not null)
        {
            text.Append(" Allow: ").Append(Allow);
        }

        if (WwwAuthenticate is not null)
        {
            text.Append(" WWW-Authenticate: ").Append(WwwAuthenticate);
        }

        if (AcceptPatch is not null)
        {
            text.Append(" Accept-Patch: ").Append(AcceptPatch);
        }

        return text.Append(" body: ").Append(System.Text.Json.JsonSerializer.Serialize(Body)).ToString();
    }
}

/// <summary>How the test writes the image id segment of the request path.</summary>
public static class ImageForm
{
    /// <summary>A syntactically valid UUID that names no image (the same on both sides).</summary>
    public const string UnknownId = "6f1d2c3b-4a59-4e8d-9c7b-0a1b2c3d4e5f";

    /// <summary>The segment for an image id in the named form: exact, upper, 37 (one character more), not-a-uuid, unknown.</summary>
    public static string Apply(string form, string imageId)
    {
        ArgumentNullException.ThrowIfNull(imageId);
        return form switch
        {
            "exact" => imageId,
            "upper" => imageId.ToUpperInvariant(),
            "37" => imageId + "0",
            "not-a-uuid" => "not-a-uuid",
            "unknown" => UnknownId,
            _ => throw new ArgumentOutOfRangeException(nameof(form), form, null),
        };
    }
}

/// <summary>Sends a <see cref="ParityRequest"/> to one side and compares the two sides' answers.</summary>
public static class Parity
{
    /// <summary>Sends <paramref name="request"/> with <c>{image}</c> = <paramref name="segment"/>; the answer's body has both <paramref name="segment"/> and <paramref name="imageId"/> replaced by <c>{image}</c>.</summary>
    public static async Task<(ParityAnswer Answer, string? RequestId)> SendAsync(HttpClient client, ParityRequest request, string segment, string imageId)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(request);
        using var message = new HttpRequestMessage(request.Method, request.Path.Replace("{image}", segment, StringComparison.Ordinal));
        if (request.Token is not null)
        {
            message.Headers.TryAddWithoutValidation("X-Auth-Token", request.Token);
        }

        if (request.Accept is not null)
        {
            message.Headers.TryAddWithoutValidation("Accept", request.Accept);
        }

        if (request.Body is not null)
        {
            message.Content = new StringContent(request.Body, Encoding.UTF8);
            message.Content.Headers.ContentType = request.ContentType is null ? null : MediaTypeHeaderValue.Parse(request.ContentType);
        }

        using var response = await client.SendAsync(message);
        var body = await response.Content.ReadAsStringAsync();
        if (segment.Length > 0)
        {
            body = body.Replace(segment, "{image}", StringComparison.Ordinal);
        }

        body = body.Replace(imageId, "{image}", StringComparison.Ordinal);
        var answer = new ParityAnswer(
            (int)response.StatusCode,
            Header(response, "Content-Type"),
            Header(response, "Allow"),
            Header(response, "WWW-Authenticate"),
            body,
            Header(response, "Accept-Patch"));
        return (answer, Header(response, RequestId.HeaderName));
    }

    /// <summary>The two answers, one per line, for a failure message.</summary>
    public static string Difference(ParityAnswer glance, ParityAnswer gateway) =>
        $"the gateway's answer differs from Glance's\n  Glance:  {glance}\n  gateway: {gateway}";

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values)
            ? string.Join(", ", values)
            : null;
}
