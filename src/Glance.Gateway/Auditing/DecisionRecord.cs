using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Glance.Policy.Language;
using Glance.Policy.Members;
using Glance.Policy.Operations;
using Glance.Policy.Rules;

namespace Glance.Gateway.Auditing;

/// <summary>
/// What an edge decision read, as the audit event records it so that the decision can be
/// replayed against other rules (<c>glance-gateway policy replay</c>): the credentials as the
/// rules saw them (<c>Credentials</c>), the router's parameters (<c>Request</c>; never the query), and
/// the facts (<c>Target</c>: the image's attributes as Glance's <c>ImageTarget</c> exposes them
/// with the extra properties that the live or candidate rules substitute; <c>Membership</c>;
/// <c>Namespace</c>). Never a token. Extra properties no rule refers to are not recorded; their
/// names are (<c>TargetOmitted</c>), so a replay against rules that name one can say it cannot
/// reproduce the decision instead of guessing. <see cref="Read"/> is the inverse.
/// </summary>
public static class DecisionRecord
{
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    /// <summary>
    /// The record of <paramref name="input"/> as one compact JSON object (the audit's
    /// <c>Record</c>): <c>Credentials</c> as passed to the rules (<paramref name="serviceUserId"/>
    /// the service token's user), <c>Request</c> (the router's ids and values, and whether the
    /// decision read the query: never the query itself, a client may put a token there),
    /// <c>Target</c> (the image; of its custom properties those <paramref name="keys"/> names,
    /// the others' names in <c>TargetOmitted</c>), <c>Membership</c>, <c>Namespace</c>. One string
    /// property, not nested log properties: those cost the allow path a sixth of its rate.
    /// </summary>
    public static string Write(EdgeInput input, string? serviceUserId, IReadOnlySet<string> keys)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(keys);
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(1024);
        buffer.ResetWrittenCount();
        var json = t_writer ??= new Utf8JsonWriter(buffer);
        json.Reset(buffer);
        json.WriteStartObject();
        WriteCredentials(json, input.Caller.Credentials, serviceUserId);
        WriteRequest(json, input);
        if (input.Image is { } image)
        {
            WriteTarget(json, image, keys);
            json.WriteStartObject("Membership");
            json.WriteBoolean("caller_is_member", input.Membership.CallerIsMember);
            json.WriteBoolean("member_exists", input.Membership.MemberExists);
            json.WriteEndObject();
        }

        if (input.Namespace is { } ns)
        {
            json.WriteStartObject("Namespace");
            json.WriteString("namespace", ns.Namespace);
            OptionalString(json, "owner", ns.Owner);
            OptionalString(json, "visibility", ns.Visibility);
            if (ns.Protected is { } isProtected)
            {
                json.WriteBoolean("protected", isProtected);
            }

            json.WriteEndObject();
        }

        json.WriteEndObject();
        json.Flush();
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void WriteCredentials(Utf8JsonWriter json, PolicyCredentials credentials, string? serviceUserId)
    {
        json.WriteStartObject("Credentials");
        OptionalString(json, "user_id", credentials.UserId);
        OptionalString(json, "project_id", credentials.ProjectId);
        OptionalString(json, "domain_id", credentials.DomainId);
        OptionalString(json, "user_domain_id", credentials.UserDomainId);
        OptionalString(json, "project_domain_id", credentials.ProjectDomainId);
        json.WriteStartArray("roles");
        foreach (var role in credentials.Roles)
        {
            json.WriteStringValue(role);
        }

        json.WriteEndArray();
        OptionalString(json, "system_scope", credentials.SystemScope);
        json.WriteBoolean("is_admin_project", credentials.IsAdminProject);
        OptionalString(json, "service_user_id", serviceUserId);
        json.WriteEndObject();
    }

    private static void WriteRequest(Utf8JsonWriter json, EdgeInput input)
    {
        json.WriteStartObject("Request");
        json.WriteString("image_id", input.ImageId);
        OptionalString(json, "member_id", input.MemberId);
        if (input.Values.Count > 0)
        {
            json.WriteStartObject("values");
            foreach (var (key, value) in input.Values)
            {
                json.WriteString(key, value);
            }

            json.WriteEndObject();
        }

        OptionalString(json, "content_type", input.ContentType);
        if (input.QueryRead)
        {
            json.WriteBoolean("query_read", true);
        }

        json.WriteEndObject();
    }

    private static void WriteTarget(Utf8JsonWriter json, ImageFacts image, IReadOnlySet<string> keys)
    {
        json.WriteStartObject("Target");
        json.WriteString("id", image.Id);
        OptionalString(json, "owner", image.Owner);
        json.WriteString("visibility", image.Visibility);
        json.WriteString("status", image.Status);
        OptionalString(json, "name", image.Name);
        json.WriteBoolean("protected", image.Protected);
        json.WriteBoolean("os_hidden", image.OsHidden);
        json.WriteNumber("min_disk", image.MinDisk);
        json.WriteNumber("min_ram", image.MinRam);
        OptionalString(json, "disk_format", image.DiskFormat);
        OptionalString(json, "container_format", image.ContainerFormat);
        if (image.Size is { } size)
        {
            json.WriteNumber("size", size);
        }

        if (image.VirtualSize is { } virtualSize)
        {
            json.WriteNumber("virtual_size", virtualSize);
        }

        OptionalString(json, "checksum", image.Checksum);
        OptionalString(json, "os_hash_algo", image.OsHashAlgo);
        OptionalString(json, "os_hash_value", image.OsHashValue);
        var omitted = false;
        if (image.Properties is { Count: > 0 } properties)
        {
            json.WriteStartObject("properties");
            foreach (var (name, value) in properties)
            {
                if (keys.Contains(name))
                {
                    json.WriteString(name, value);
                }
                else
                {
                    omitted = true;
                }
            }

            json.WriteEndObject();
        }

        json.WriteEndObject();
        if (omitted)
        {
            json.WriteStartArray("TargetOmitted");
            foreach (var name in image.Properties!.Keys)
            {
                if (!keys.Contains(name))
                {
                    json.WriteStringValue(name);
                }
            }

            json.WriteEndArray();
        }
    }

    private static void OptionalString(Utf8JsonWriter json, string name, string? value)
    {
        if (value is not null)
        {
            json.WriteString(name, value);
        }
    }

    /// <summary>
    /// The input of a recorded decision (an audit event with its <c>Record</c>, or the record
    /// itself), decided with <paramref name="rules"/>; or why it cannot be rebuilt (a field missing, a body the record does not keep, an omitted property a rule
    /// of <paramref name="rules"/> substitutes).
    /// </summary>
    public static (EdgeInput? Input, string? Unreproducible) Read(JsonElement audit, EdgeOperation operation, PolicyRules rules)
    {
        ArgumentNullException.ThrowIfNull(operation);
        ArgumentNullException.ThrowIfNull(rules);
        if (operation.ReadsJsonBody)
        {
            return (null, "the decision read the request body, which the audit does not keep");
        }

        if (audit.TryGetProperty("Record", out var text) && text.ValueKind == JsonValueKind.String)
        {
            try
            {
                using var record = JsonDocument.Parse(text.GetString()!);
                return Read(record.RootElement, operation, rules);
            }
            catch (JsonException)
            {
                return (null, "the event's Record is not JSON");
            }
        }

        if (!audit.TryGetProperty("Credentials", out var creds) || creds.ValueKind != JsonValueKind.Object
            || !audit.TryGetProperty("Request", out var request) || request.ValueKind != JsonValueKind.Object)
        {
            return (null, "the event has no Record (written before decisions were recorded)");
        }

        if (audit.TryGetProperty("TargetOmitted", out var omitted) && omitted.ValueKind == JsonValueKind.Array)
        {
            var needed = omitted.EnumerateArray().Select(e => e.GetString()).Where(name => name is not null && rules.TargetKeys.Contains(name)).ToList();
            if (needed.Count > 0)
            {
                return (null, "the rules refer to image properties the audit left out: " + string.Join(", ", needed));
            }
        }

        var credentials = new PolicyCredentials(
            Text(creds, "user_id"),
            Text(creds, "project_id"),
            creds.TryGetProperty("roles", out var roles) && roles.ValueKind == JsonValueKind.Array ? roles.EnumerateArray().Select(r => r.GetString() ?? string.Empty).ToArray() : [],
            Text(creds, "system_scope"),
            Text(creds, "domain_id"),
            Text(creds, "user_domain_id"),
            Text(creds, "project_domain_id"),
            !creds.TryGetProperty("is_admin_project", out var adminProject) || adminProject.ValueKind != JsonValueKind.False);
        if (request.TryGetProperty("query_read", out var queryRead) && queryRead.ValueKind == JsonValueKind.True)
        {
            return (null, "the decision read the query string, which the audit does not keep");
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        if (request.TryGetProperty("values", out var routed) && routed.ValueKind == JsonValueKind.Object)
        {
            foreach (var value in routed.EnumerateObject())
            {
                values[value.Name] = value.Value.GetString() ?? string.Empty;
            }
        }

        var input = new EdgeInput(new Caller(credentials, rules), Text(request, "image_id") ?? string.Empty, Text(request, "member_id"))
        {
            Values = values,
            ContentType = Text(request, "content_type"),
        };
        switch (operation.Facts)
        {
            case EdgeFactsNeeded.Image or EdgeFactsNeeded.ImageAndMember:
                if (!audit.TryGetProperty("Membership", out var membership) || membership.ValueKind != JsonValueKind.Object)
                {
                    return (null, "the event has no Membership");
                }

                input = input with
                {
                    Image = audit.TryGetProperty("Target", out var target) && target.ValueKind == JsonValueKind.Object ? Image(target) : null,
                    Membership = new MembershipFacts(Flag(membership, "caller_is_member"), Flag(membership, "member_exists")),
                };
                break;
            case EdgeFactsNeeded.Namespace:
                input = input with
                {
                    Namespace = audit.TryGetProperty("Namespace", out var ns) && ns.ValueKind == JsonValueKind.Object
                        ? new NamespaceFacts(Text(ns, "namespace") ?? string.Empty, Text(ns, "owner"), Text(ns, "visibility"), ns.TryGetProperty("protected", out var p) && p.ValueKind is JsonValueKind.True or JsonValueKind.False ? p.GetBoolean() : null)
                        : null,
                };
                break;
        }

        return (input, null);
    }

    private static ImageFacts Image(JsonElement target)
    {
        var properties = new Dictionary<string, string>(StringComparer.Ordinal);
        if (target.TryGetProperty("properties", out var recorded) && recorded.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in recorded.EnumerateObject())
            {
                properties[property.Name] = property.Value.GetString() ?? string.Empty;
            }
        }

        return new ImageFacts(Text(target, "id") ?? string.Empty, Text(target, "visibility") ?? ImageVisibility.Shared, Text(target, "owner"))
        {
            Status = Text(target, "status") ?? "active",
            Name = Text(target, "name"),
            Protected = Flag(target, "protected"),
            OsHidden = Flag(target, "os_hidden"),
            MinDisk = Number(target, "min_disk") ?? 0,
            MinRam = Number(target, "min_ram") ?? 0,
            DiskFormat = Text(target, "disk_format"),
            ContainerFormat = Text(target, "container_format"),
            Size = Number(target, "size"),
            VirtualSize = Number(target, "virtual_size"),
            Checksum = Text(target, "checksum"),
            OsHashAlgo = Text(target, "os_hash_algo"),
            OsHashValue = Text(target, "os_hash_value"),
            Properties = properties,
        };
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static bool Flag(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.True;

    private static long? Number(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number) ? number
        : element.TryGetProperty(name, out var text) && text.ValueKind == JsonValueKind.String && long.TryParse(text.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) ? parsed
        : null;
}
