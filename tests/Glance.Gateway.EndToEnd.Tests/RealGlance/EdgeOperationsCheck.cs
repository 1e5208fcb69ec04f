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

    /// <summary>The JSON-patch media type of an image PATCH.</summary>
    public const string PatchType = "application/openstack-images-v2.1-json-patch";

    /// <summary>
    /// The request of operation <paramref name="op"/> by <paramref name="who"/> (<c>none</c>: no
    /// token); <paramref name="variant"/> picks the body where an operation has several (modify_image:
    /// name, public, owner, wrong-type; add_image: plain, other-owner, public).
    /// </summary>
    public ParityRequest RequestFor(string op, string who, string? variant = null)
    {
        var token = who == "none" ? null : suite.TokenFor(who);
        var member = scenario.MemberProject;
        var stranger = suite.Keystone.Stranger.ProjectId;
        return op switch
        {
            "get_images" => new(HttpMethod.Get, "/v2/images?limit=3&sort=created_at:asc", token),
            "get_image" => new(HttpMethod.Get, "/v2/images/{image}", token),
            "delete_image" => new(HttpMethod.Delete, "/v2/images/{image}", token),
            "modify_image" => variant switch
            {
                "name" => new(HttpMethod.Patch, "/v2/images/{image}", token, null, Replace("name", "\"edge-renamed\""), PatchType),
                "public" => new(HttpMethod.Patch, "/v2/images/{image}", token, null, Replace("visibility", "\"public\""), PatchType),
                "owner" => new(HttpMethod.Patch, "/v2/images/{image}", token, null, Replace("owner", $"\"{stranger}\""), PatchType),
                "wrong-type" => new(HttpMethod.Patch, "/v2/images/{image}", token, null, Replace("name", "\"edge-renamed\""), "application/json"),
                _ => throw new ArgumentOutOfRangeException(nameof(variant), variant, null),
            },
            "deactivate" => new(HttpMethod.Post, "/v2/images/{image}/actions/deactivate", token),
            "reactivate" => new(HttpMethod.Post, "/v2/images/{image}/actions/reactivate", token),
            "download_image" => new(HttpMethod.Get, "/v2/images/{image}/file", token),
            "upload_image" => new(HttpMethod.Put, "/v2/images/{image}/file", token, null, "edge-bytes", "application/octet-stream"),
            "add_image_tag" => new(HttpMethod.Put, "/v2/images/{image}/tags/" + Tag, token),
            "delete_image_tag" => new(HttpMethod.Delete, "/v2/images/{image}/tags/" + Tag, token),
            "get_members" => new(HttpMethod.Get, "/v2/images/{image}/members", token),
            "get_member" => new(HttpMethod.Get, "/v2/images/{image}/members/" + member, token),
            "add_member" => new(HttpMethod.Post, "/v2/images/{image}/members", token, null,
                $"{{\"member\": \"{stranger}\"}}", "application/json"),
            "modify_member" => new(HttpMethod.Put, "/v2/images/{image}/members/" + member, token, null, "{\"status\": \"accepted\"}", "application/json"),
            "delete_member" => new(HttpMethod.Delete, "/v2/images/{image}/members/" + member, token),
            "add_image" => variant switch
            {
                "plain" => new(HttpMethod.Post, "/v2/images", token, null, "{\"name\": \"edge-created\", \"disk_format\": \"raw\", \"container_format\": \"bare\"}", "application/json"),
                "other-owner" => new(HttpMethod.Post, "/v2/images", token, null, $"{{\"name\": \"edge-created\", \"owner\": \"{stranger}\"}}", "application/json"),
                "public" => new(HttpMethod.Post, "/v2/images", token, null, "{\"name\": \"edge-created\", \"visibility\": \"public\"}", "application/json"),
                _ => throw new ArgumentOutOfRangeException(nameof(variant), variant, null),
            },
            // all_stores_must_succeed false without enabled_backends: Glance's 400 after the rules,
            // before any task is made (the test Glance has one store).
            "import_image" => new(HttpMethod.Post, "/v2/images/{image}/import", token, null,
                "{\"method\": {\"name\": \"web-download\", \"uri\": \"http://127.0.0.1:1/edge\"}, \"all_stores_must_succeed\": false}", "application/json"),
            "stage_image" => new(HttpMethod.Put, "/v2/images/{image}/stage", token, null, "edge-bytes", "application/octet-stream"),
            "delete_from_store" => new(HttpMethod.Delete, "/v2/stores/file/{image}", token),
            // A task without its input: the deserializer's 400 after tasks_api_access, no task made.
            "add_task" => new(HttpMethod.Post, "/v2/tasks", token, null, "{\"type\": \"import\"}", "application/json"),
            "get_tasks" => new(HttpMethod.Get, "/v2/tasks", token),
            "get_task" => new(HttpMethod.Get, "/v2/tasks/" + ImageForm.UnknownId, token),
            "delete_task" => new(HttpMethod.Delete, "/v2/tasks/" + ImageForm.UnknownId, token),
            "get_task_info" => new(HttpMethod.Get, "/v2/images/{image}/tasks", token),
            "stores_info_detail" => new(HttpMethod.Get, "/v2/info/stores/detail", token),
            "get_cache_state" => new(HttpMethod.Get, "/v2/cache", token),
            "clear_cache" => new(HttpMethod.Delete, "/v2/cache", token),
            "queue_image" => new(HttpMethod.Put, "/v2/cache/{image}", token),
            "delete_cache_entry" => new(HttpMethod.Delete, "/v2/cache/{image}", token),
            "list_metadef_resource_types" => new(HttpMethod.Get, "/v2/metadefs/resource_types", token),
            _ => throw new ArgumentOutOfRangeException(nameof(op), op, null),
        };

        static string Replace(string path, string value) => $"[{{\"op\": \"replace\", \"path\": \"/{path}\", \"value\": {value}}}]";
    }

    /// <summary>A row's kind split into the fixture image's kind and the request's variant (<c>kind&gt;variant</c>).</summary>
    public static (string Image, string? Variant) Split(string kind)
    {
        ArgumentNullException.ThrowIfNull(kind);
        var at = kind.IndexOf('>', StringComparison.Ordinal);
        return at < 0 ? (kind, null) : (kind[..at], kind[(at + 1)..]);
    }

    /// <summary>A fixture image of <paramref name="kind"/> made through <paramref name="client"/>'s own API; <c>none</c>: the unknown id.</summary>
    public async Task<string> CreateAsync(HttpClient client, string kind)
    {
        kind = Split(kind).Image;
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
        var (imageKind, variant) = Split(kind);
        var request = RequestFor(op, who, variant);
        var readOnly = request.Method == HttpMethod.Get;
        var glanceImage = await (readOnly ? SharedAsync(glanceClient, imageKind, 0) : CreateAsync(glanceClient, imageKind));
        var gatewayImage = await (readOnly ? SharedAsync(gatewayApi, imageKind, 1) : CreateAsync(gatewayApi, imageKind));

        var (glance, _) = await Parity.SendAsync(glanceClient, request, glanceImage, glanceImage);
        var (gateway, requestId) = await Parity.SendAsync(gatewayClient, request, gatewayImage, gatewayImage);
        glance = Normalise(glance);
        gateway = Normalise(gateway);
        if (op == "add_image")
        {
            // Each side made its own image: its id read alike.
            glance = glance with { Body = NewId().Replace(glance.Body, "{new}") };
            gateway = gateway with { Body = NewId().Replace(gateway.Body, "{new}") };
        }

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
        if (imageKind != "none" && !readOnly)
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
            // The edge decided the operation itself in its default mode. Enforce: a refusal
            // answered at the edge, an allow forwarded. Shadow: forwarded either way, Glance's
            // answer returned, the edge's prediction recorded; "+disagree" in the row names a
            // prediction Glance contradicts (a decision the backend's configuration or state
            // takes, the reason of the Shadow default), any other row must agree.
            var mode = Glance.Policy.Operations.EdgeOperations.Named(op)!.DefaultMode;
            var expectDisagreement = edge?.EndsWith("+disagree", StringComparison.Ordinal) == true;
            var decision = expectDisagreement ? edge![..^"+disagree".Length] : edge;
            var events = await AuditEvent.EventuallyAsync(() => audited.AuditEvents().Where(e => e.Get("RequestId") == requestId));
            var audit = events[0];
            var wrong = audit.Get("Operation") != op || audit.Get("EdgeMode") != mode.ToString() || audit.Get("Decision") != decision
                || audit.Number("Status") != gateway.Status;
            if (mode == Glance.Policy.Operations.EdgeMode.Shadow)
            {
                var flagged = audit.Json.TryGetProperty("Disagreement", out var value) && value.ValueKind == System.Text.Json.JsonValueKind.True;
                wrong |= audit.Number("BackendStatus") != gateway.Status || flagged != expectDisagreement;
            }
            else
            {
                wrong |= audit.Get("Decision") == "deny" && audit.Has("BackendStatus") && audit.Number("BackendStatus") is not null;
            }

            if (wrong)
            {
                problems.Add($"the edge's audit event is not a {mode} {edge} of {op} answered {gateway.Status}: {audit.Line}");
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

    [GeneratedRegex("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")]
    private static partial Regex NewId();

    [GeneratedRegex(@"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|\+00:00)?")]
    private static partial Regex Time();
}
