using System.Net;
using System.Text.RegularExpressions;
using Glance.Gateway.EndToEnd.Tests.Support;

namespace Glance.Gateway.EndToEnd.Tests.RealGlance;

/// <summary>
/// The requests and fixture images of <see cref="EdgeOperationsParityTests"/>: one request per
/// operation the edge decides (<c>Glance.Policy.Operations.EdgeOperations</c>), the fixture kinds of
/// <see cref="ParityScenario"/> with modifiers (<c>+data</c>: the owner uploaded data, so the image is
/// active; <c>+tag</c>: the owner added the tag the tag requests name; <c>none</c>: no image, the
/// unknown id), and the comparison: status, Content-Type, Allow, WWW-Authenticate and body, each
/// side's image id, times and the edge's own fixture differences read alike; then what each side
/// did, read back as the admin through each side's own API.
/// </summary>
public sealed partial class EdgeOperationsCheck(RealGlanceSuite suite, ParityScenario scenario)
{
    // Images of the read-only rows, by client, kind and slot (0: Glance's, 1: the gateway's), for the whole run.
    private static readonly Dictionary<(HttpClient Client, string Kind, int Slot), Task<string>> SharedImages = [];

    /// <summary>The tag the tag requests name.</summary>
    public const string Tag = "edge-tag";

    /// <summary>The request of operation <paramref name="op"/> by <paramref name="who"/> (<c>none</c>: no token).</summary>
    public ParityRequest RequestFor(string op, string who)
    {
        var token = who == "none" ? null : suite.TokenFor(who);
        var member = scenario.MemberProject;
        return op switch
        {
            "get_images" => new(HttpMethod.Get, "/v2/images?limit=3&sort=created_at:asc", token),
            "get_image" => new(HttpMethod.Get, "/v2/images/{image}", token),
            "delete_image" => new(HttpMethod.Delete, "/v2/images/{image}", token),
            "deactivate" => new(HttpMethod.Post, "/v2/images/{image}/actions/deactivate", token),
            "reactivate" => new(HttpMethod.Post, "/v2/images/{image}/actions/reactivate", token),
            "download_image" => new(HttpMethod.Get, "/v2/images/{image}/file", token),
            "upload_image" => new(HttpMethod.Put, "/v2/images/{image}/file", token, null, "edge-bytes", "application/octet-stream"),
            "add_image_tag" => new(HttpMethod.Put, "/v2/images/{image}/tags/" + Tag, token),
            "delete_image_tag" => new(HttpMethod.Delete, "/v2/images/{image}/tags/" + Tag, token),
            "get_members" => new(HttpMethod.Get, "/v2/images/{image}/members", token),
            "get_member" => new(HttpMethod.Get, "/v2/images/{image}/members/" + member, token),
            "add_member" => new(HttpMethod.Post, "/v2/images/{image}/members", token, null,
                $"{{\"member\": \"{suite.Keystone.Stranger.ProjectId}\"}}", "application/json"),
            "modify_member" => new(HttpMethod.Put, "/v2/images/{image}/members/" + member, token, null, "{\"status\": \"accepted\"}", "application/json"),
            "delete_member" => new(HttpMethod.Delete, "/v2/images/{image}/members/" + member, token),
            _ => throw new ArgumentOutOfRangeException(nameof(op), op, null),
        };
    }

    /// <summary>A fixture image of <paramref name="kind"/> made through <paramref name="client"/>'s own API; <c>none</c>: the unknown id.</summary>
    public async Task<string> CreateAsync(HttpClient client, string kind)
    {
        if (kind == "none")
        {
            return ImageForm.UnknownId;
        }

        var parts = kind.Split('+');
        var image = await scenario.CreateFixtureImageAsync(client, parts[0]);
        foreach (var modifier in parts.Skip(1))
        {
            switch (modifier)
            {
                case "data":
                    await GlanceApi.UploadAsync(client, suite.Tokens.Owner, image);
                    break;
                case "tag":
                    await GlanceApi.ExpectAsync(client, HttpMethod.Put, $"/v2/images/{image}/tags/{Tag}", suite.Tokens.Owner, HttpStatusCode.NoContent);
                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(kind), kind, null);
            }
        }

        return image;
    }

    /// <summary>
    /// One image of <paramref name="kind"/> on each side (Glance's through <paramref name="glanceClient"/>,
    /// the gateway's through <paramref name="gatewayApi"/>: Glance itself when the gateway fronts it), the
    /// request sent to each; the same answer, the status the row gives, a request id from the
    /// gateway when <paramref name="expectRequestId"/>, the same image and members afterwards, and,
    /// with <paramref name="audited"/> (the gateway), its audit event: the enforced decision <paramref name="edge"/> of the operation.
    /// </summary>
    public async Task AssertSameAsync(
        HttpClient glanceClient, HttpClient gatewayClient, HttpClient gatewayApi, string label, string op, string who, string kind, int status,
        GatewayHost? audited = null, string? edge = null, bool expectRequestId = true)
    {
        ArgumentNullException.ThrowIfNull(glanceClient);
        ArgumentNullException.ThrowIfNull(gatewayClient);
        // The fixtures are most of a row's time: a read changes nothing, so the rows that read
        // share their images (one per side and kind); a write gets fresh ones.
        var request = RequestFor(op, who);
        var readOnly = request.Method == HttpMethod.Get;
        var glanceImage = await (readOnly ? SharedAsync(glanceClient, kind, 0) : CreateAsync(glanceClient, kind));
        var gatewayImage = await (readOnly ? SharedAsync(gatewayApi, kind, 1) : CreateAsync(gatewayApi, kind));

        var (glance, _) = await Parity.SendAsync(glanceClient, request, glanceImage, glanceImage);
        var (gateway, requestId) = await Parity.SendAsync(gatewayClient, request, gatewayImage, gatewayImage);
        glance = Normalise(glance);
        gateway = Normalise(gateway);

        var problems = new List<string>();
        if (glance != gateway)
        {
            problems.Add(Parity.Difference(glance, gateway));
        }

        if (glance.Status != status)
        {
            problems.Add($"Glance itself answered {glance.Status} where the row expects {status}");
        }

        if (expectRequestId && requestId?.StartsWith("req-", StringComparison.Ordinal) != true)
        {
            problems.Add($"the gateway's X-Openstack-Request-Id is {requestId ?? "missing"}");
        }

        // What a writing operation did (a read changes nothing: not read back).
        if (kind != "none" && !readOnly)
        {
            var before = await SnapshotAsync(glanceClient, glanceImage);
            var afterGateway = await SnapshotAsync(gatewayApi, gatewayImage);
            if (before != afterGateway)
            {
                problems.Add($"afterwards the images differ\n  Glance:  {before}\n  gateway: {afterGateway}");
            }
        }

        if (audited is not null && who != "none" && requestId is not null)
        {
            // The edge decided the operation itself (a refusal answered at the edge, an allow forwarded).
            var events = await AuditEvent.EventuallyAsync(() => audited.AuditEvents().Where(e => e.Get("RequestId") == requestId));
            var audit = events[0];
            if (audit.Get("Operation") != op || audit.Get("EdgeMode") != "Enforce" || audit.Get("Decision") != edge
                || audit.Number("Status") != gateway.Status || (audit.Get("Decision") == "deny" && audit.Has("BackendStatus") && audit.Number("BackendStatus") is not null))
            {
                problems.Add($"the edge's audit event is not an enforced {edge} of {op} answered {gateway.Status}: {audit.Line}");
            }
        }

        Assert.True(problems.Count == 0, $"{label} {op} by {who} on {kind} ({request.Method} {request.Path}):\n{string.Join('\n', problems)}");
    }

    // The image of one side, kind and slot that read-only rows share, made on first use.
    private Task<string> SharedAsync(HttpClient client, string kind, int slot)
    {
        lock (SharedImages)
        {
            var key = (client, kind, slot);
            if (!SharedImages.TryGetValue(key, out var image) || image.IsFaulted)
            {
                image = CreateAsync(client, kind);
                SharedImages[key] = image;
            }

            return image;
        }
    }

    /// <summary>The image as the admin reads it, and its members (times and id read alike).</summary>
    public async Task<string> SnapshotAsync(HttpClient client, string image)
    {
        ArgumentNullException.ThrowIfNull(client);
        using var response = await GlanceApi.GetAsync(client, $"/v2/images/{image}", suite.Tokens.Admin, "application/json");
        var text = await response.Content.ReadAsStringAsync();
        var shown = (int)response.StatusCode == 200 ? Canonical(text) : ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Time().Replace(shown.Replace(image, "{image}", StringComparison.Ordinal), "{time}") + " members: " + await scenario.MembersInGlanceAsync(client, image);
    }

    /// <summary>Times read as <c>{time}</c> (each side made its image at its own moment).</summary>
    public static ParityAnswer Normalise(ParityAnswer answer)
    {
        ArgumentNullException.ThrowIfNull(answer);
        return answer with { Body = Time().Replace(answer.Body, "{time}") };
    }

    // A JSON object with its properties sorted (a store may write them in another order), so
    // that only values are compared.
    private static string Canonical(string json)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(json)!.AsObject();
        var sorted = new System.Text.Json.Nodes.JsonObject();
        foreach (var (key, value) in node.OrderBy(p => p.Key, StringComparer.Ordinal).ToList())
        {
            sorted[key] = value?.DeepClone();
        }

        return sorted.ToJsonString();
    }

    [GeneratedRegex(@"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|\+00:00)?")]
    private static partial Regex Time();
}
