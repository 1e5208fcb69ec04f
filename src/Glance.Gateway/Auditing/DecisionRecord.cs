using System.Globalization;
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
    /// <summary>The credentials, as passed to the rules; <paramref name="serviceUserId"/> is the service token's user.</summary>
    public static Dictionary<string, object?> Credentials(PolicyCredentials credentials, string? serviceUserId)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        return new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["user_id"] = credentials.UserId,
            ["project_id"] = credentials.ProjectId,
            ["domain_id"] = credentials.DomainId,
            ["user_domain_id"] = credentials.UserDomainId,
            ["project_domain_id"] = credentials.ProjectDomainId,
            ["roles"] = credentials.Roles.ToArray(),
            ["system_scope"] = credentials.SystemScope,
            ["is_admin_project"] = credentials.IsAdminProject,
            ["service_user_id"] = serviceUserId,
        };
    }

    /// <summary>The router's parameters, and whether the decision read the query string (never the query).</summary>
    public static Dictionary<string, object?> Request(EdgeInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var values = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (key, value) in input.Values)
        {
            values[key] = value;
        }

        return new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["image_id"] = input.ImageId,
            ["member_id"] = input.MemberId,
            ["values"] = values,
            // Never the query itself: a client may put a token there. Only whether the decision read it.
            ["query_read"] = input.QueryRead,
            ["content_type"] = input.ContentType,
        };
    }

    /// <summary>
    /// The image as the rules' target (null without one); the extra properties kept are those
    /// <paramref name="keys"/> names, the others' names go to <paramref name="omitted"/>.
    /// </summary>
    public static Dictionary<string, object?>? Target(ImageFacts? image, IReadOnlySet<string> keys, List<string> omitted)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(omitted);
        if (image is null)
        {
            return null;
        }

        var properties = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (name, value) in image.Properties ?? new Dictionary<string, string>())
        {
            if (keys.Contains(name))
            {
                properties[name] = value;
            }
            else
            {
                omitted.Add(name);
            }
        }

        return new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["id"] = image.Id,
            ["owner"] = image.Owner,
            ["visibility"] = image.Visibility,
            ["status"] = image.Status,
            ["name"] = image.Name,
            ["protected"] = image.Protected,
            ["os_hidden"] = image.OsHidden,
            ["min_disk"] = image.MinDisk,
            ["min_ram"] = image.MinRam,
            ["disk_format"] = image.DiskFormat,
            ["container_format"] = image.ContainerFormat,
            ["size"] = image.Size,
            ["virtual_size"] = image.VirtualSize,
            ["checksum"] = image.Checksum,
            ["os_hash_algo"] = image.OsHashAlgo,
            ["os_hash_value"] = image.OsHashValue,
            ["properties"] = properties,
        };
    }

    /// <summary>The membership facts (null without an image).</summary>
    public static Dictionary<string, object?>? Membership(EdgeInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input.Image is null ? null : new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["caller_is_member"] = input.Membership.CallerIsMember,
            ["member_exists"] = input.Membership.MemberExists,
        };
    }

    /// <summary>The metadef namespace facts (null without one).</summary>
    public static Dictionary<string, object?>? Namespace(NamespaceFacts? ns) => ns is null ? null : new Dictionary<string, object?>(StringComparer.Ordinal)
    {
        ["namespace"] = ns.Namespace,
        ["owner"] = ns.Owner,
        ["visibility"] = ns.Visibility,
        ["protected"] = ns.Protected,
    };

    /// <summary>
    /// The input of a recorded decision, decided with <paramref name="rules"/>; or why it cannot
    /// be rebuilt (a field missing, a body the record does not keep, an omitted property a rule
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

        if (!audit.TryGetProperty("Credentials", out var creds) || creds.ValueKind != JsonValueKind.Object
            || !audit.TryGetProperty("Request", out var request) || request.ValueKind != JsonValueKind.Object)
        {
            return (null, "the event has no Credentials or Request (written before they were recorded)");
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
