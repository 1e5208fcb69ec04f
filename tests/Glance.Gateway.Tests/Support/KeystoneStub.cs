using System.Globalization;
using System.Text.Json;
using WireMock.Matchers;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Glance.Gateway.Tests.Support;

/// <summary>
/// WireMock.Net standing in for Keystone v3: issues the gateway's service token on
/// <c>POST /v3/auth/tokens</c>, validates the subject tokens a test registers on
/// <c>GET /v3/auth/tokens</c> (404 for any other), and counts the calls.
/// </summary>
public sealed class KeystoneStub : IDisposable
{
    /// <summary>The service token the stub issues.</summary>
    public const string ServiceToken = "gateway-service-token";

    private readonly TimeProvider _time;

    /// <summary>Starts the stub on a free port.</summary>
    public KeystoneStub(TimeProvider? time = null, TimeSpan? serviceTokenLifetime = null)
    {
        _time = time ?? TimeProvider.System;
        Server = WireMockServer.Start();
        Server.Given(Request.Create().WithPath("/v3/auth/tokens").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(201)
                .WithHeader("X-Subject-Token", ServiceToken)
                .WithHeader("Content-Type", "application/json")
                .WithBody(TokenBody("gateway-user", "service", ["admin"], _time.GetUtcNow() + (serviceTokenLifetime ?? TimeSpan.FromDays(3650)), system: false)));
        Server.Given(Request.Create().WithPath("/v3/auth/tokens").UsingGet()).AtPriority(100)
            .RespondWith(Response.Create().WithStatusCode(404).WithHeader("Content-Type", "application/json")
                .WithBody("{\"error\": {\"code\": 404, \"message\": \"Could not find token.\", \"title\": \"Not Found\"}}"));
        Server.Given(Request.Create().WithPath("/v3").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithBody("{\"version\": {\"id\": \"v3.14\", \"status\": \"stable\"}}"));
    }

    /// <summary>The WireMock server.</summary>
    public WireMockServer Server { get; }

    /// <summary>Keystone's URL for <c>Keystone:Url</c>.</summary>
    public string Url => Server.Url!;

    /// <summary>The settings that point a gateway at this stub.</summary>
    public Dictionary<string, string?> Settings() => new()
    {
        ["Keystone:Url"] = Url,
        ["Keystone:Username"] = "glance-gateway",
        ["Keystone:Password"] = "service-password-never-logged",
        ["Keystone:ProjectName"] = "service",
    };

    /// <summary>Registers a valid subject token.</summary>
    public void AddToken(string token, string userId, string? projectId, IReadOnlyList<string> roles, DateTimeOffset? expiresAt = null, bool system = false)
    {
        Server.Given(Request.Create().WithPath("/v3/auth/tokens").UsingGet().WithHeader("X-Subject-Token", new ExactMatcher(token)))
            .AtPriority(1)
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                .WithBody(TokenBody(userId, projectId, roles, expiresAt ?? _time.GetUtcNow().AddHours(1), system)));
    }

    /// <summary>
    /// Registers a token of an application credential: with <paramref name="accessRulesJson"/> (a
    /// JSON array, or null for an unrestricted credential) in its <c>application_credential</c>,
    /// and a catalog of <paramref name="catalogTypes"/> unless the validation asks for <c>nocatalog</c>.
    /// </summary>
    public void AddApplicationCredentialToken(string token, string userId, string projectId, IReadOnlyList<string> roles, string? accessRulesJson, IReadOnlyList<string> catalogTypes)
    {
        var expiresAt = _time.GetUtcNow().AddHours(1);
        Server.Given(Request.Create().WithPath("/v3/auth/tokens").UsingGet().WithHeader("X-Subject-Token", new ExactMatcher(token)).WithParam("nocatalog"))
            .AtPriority(1)
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                .WithBody(TokenBody(userId, projectId, roles, expiresAt, system: false, accessRulesJson ?? "null", catalogTypes: null)));
        Server.Given(Request.Create().WithPath("/v3/auth/tokens").UsingGet().WithHeader("X-Subject-Token", new ExactMatcher(token)))
            .AtPriority(2)
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                .WithBody(TokenBody(userId, projectId, roles, expiresAt, system: false, accessRulesJson ?? "null", catalogTypes)));
    }

    /// <summary>
    /// Registers a token Keystone already expired: validated only with <c>allow_expired=1</c> (as
    /// Keystone answers within its window), 404 otherwise.
    /// </summary>
    public void AddExpiredToken(string token, string userId, string projectId, IReadOnlyList<string> roles, DateTimeOffset expiredAt)
    {
        Server.Given(Request.Create().WithPath("/v3/auth/tokens").UsingGet().WithHeader("X-Subject-Token", new ExactMatcher(token)).WithParam("allow_expired", "1"))
            .AtPriority(1)
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                .WithBody(TokenBody(userId, projectId, roles, expiredAt, system: false)));
    }

    /// <summary>The query strings of the validations of <paramref name="token"/>, in order.</summary>
    public IReadOnlyList<string> ValidationQueries(string token) => Server.LogEntries
        .Where(e => e.RequestMessage.Method == "GET" && e.RequestMessage.Path == "/v3/auth/tokens" && HeaderValue(e.RequestMessage.Headers, "X-Subject-Token") == token)
        .Select(e => string.Join('&', (e.RequestMessage.Query ?? new Dictionary<string, WireMock.Types.WireMockList<string>>()).Select(q => q.Value.Count == 0 || string.IsNullOrEmpty(q.Value[0]) ? q.Key : q.Key + "=" + q.Value[0])))
        .ToList();

    /// <summary>The usual four identities (and a system-scoped admin) under these tokens.</summary>
    public void AddStandardTokens(Identities ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        AddToken(ids.Admin, "admin-user", "admin-project", ["admin", "member"]);
        AddToken(ids.Owner, "owner-user", Identities.OwnerProject, ["member"]);
        AddToken(ids.Member, "member-user", Identities.MemberProject, ["member"]);
        AddToken(ids.Stranger, "stranger-user", Identities.StrangerProject, ["member"]);
        AddToken(ids.SystemAdmin, "system-admin-user", null, ["admin"], system: true);
    }

    /// <summary>How many times a subject token was validated.</summary>
    public int ValidationCalls(string token) => Server.LogEntries.Count(e =>
        e.RequestMessage.Method == "GET" && e.RequestMessage.Path == "/v3/auth/tokens" && HeaderValue(e.RequestMessage.Headers, "X-Subject-Token") == token);

    /// <summary>How many service tokens were issued.</summary>
    public int ServiceTokenCalls => Server.LogEntries.Count(e => e.RequestMessage.Method == "POST" && e.RequestMessage.Path == "/v3/auth/tokens");

    /// <summary>Every request body and header value the stub received (for "no secret in a log" checks).</summary>
    public IEnumerable<string> ValidationSubjects => Server.LogEntries
        .Select(e => HeaderValue(e.RequestMessage.Headers, "X-Subject-Token"))
        .OfType<string>();

    /// <inheritdoc />
    public void Dispose() => Server.Stop();

    /// <summary>A header value from WireMock's header dictionary, any case.</summary>
    public static string? HeaderValue(IDictionary<string, WireMock.Types.WireMockList<string>>? headers, string name) =>
        headers?.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value?.FirstOrDefault();

    private static string TokenBody(
        string userId, string? projectId, IReadOnlyList<string> roles, DateTimeOffset expiresAt, bool system, string? accessRulesJson = null, IReadOnlyList<string>? catalogTypes = null)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartObject("token");
            json.WriteStartArray("methods");
            json.WriteStringValue("password");
            json.WriteEndArray();
            json.WriteStartObject("user");
            json.WriteString("id", userId);
            json.WriteString("name", userId.Replace("-user", string.Empty, StringComparison.Ordinal));
            json.WriteStartObject("domain");
            json.WriteString("id", "default");
            json.WriteString("name", "Default");
            json.WriteEndObject();
            json.WriteEndObject();
            if (system)
            {
                json.WriteStartObject("system");
                json.WriteBoolean("all", true);
                json.WriteEndObject();
            }
            else
            {
                json.WriteStartObject("project");
                json.WriteString("id", projectId);
                json.WriteString("name", projectId);
                json.WriteStartObject("domain");
                json.WriteString("id", "default");
                json.WriteString("name", "Default");
                json.WriteEndObject();
                json.WriteEndObject();
            }

            json.WriteStartArray("roles");
            foreach (var role in roles)
            {
                json.WriteStartObject();
                json.WriteString("id", role + "-id");
                json.WriteString("name", role);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteString("expires_at", expiresAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture));
            json.WriteString("issued_at", expiresAt.UtcDateTime.AddHours(-1).ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture));
            json.WriteStartArray("audit_ids");
            json.WriteStringValue("audit-" + userId);
            json.WriteEndArray();
            json.WriteBoolean("is_domain", false);
            if (accessRulesJson is not null)
            {
                json.WriteStartObject("application_credential");
                json.WriteString("id", "app-cred-" + userId);
                json.WriteString("name", "app-cred");
                json.WriteBoolean("restricted", true);
                json.WritePropertyName("access_rules");
                json.WriteRawValue(accessRulesJson);
                json.WriteEndObject();
            }

            if (catalogTypes is not null)
            {
                json.WriteStartArray("catalog");
                foreach (var type in catalogTypes)
                {
                    json.WriteStartObject();
                    json.WriteString("type", type);
                    json.WriteString("name", type);
                    json.WriteString("id", type + "-service-id");
                    json.WriteStartArray("endpoints");
                    json.WriteEndArray();
                    json.WriteEndObject();
                }

                json.WriteEndArray();
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}

/// <summary>Fresh tokens for the standard identities of CONFORMANCE.md.</summary>
public sealed class Identities
{
    /// <summary>The owner's project.</summary>
    public const string OwnerProject = "project-a";

    /// <summary>The member's project.</summary>
    public const string MemberProject = "project-b";

    /// <summary>The stranger's project.</summary>
    public const string StrangerProject = "project-c";

    /// <summary>A second member's project.</summary>
    public const string OtherMemberProject = "project-d";

    private readonly string _suffix = Guid.NewGuid().ToString("N");

    /// <summary>admin (role admin, its own project).</summary>
    public string Admin => "admin-" + _suffix;

    /// <summary>owner (project-a).</summary>
    public string Owner => "owner-" + _suffix;

    /// <summary>member (project-b).</summary>
    public string Member => "member-" + _suffix;

    /// <summary>stranger (project-c).</summary>
    public string Stranger => "stranger-" + _suffix;

    /// <summary>system-scoped admin (no project).</summary>
    public string SystemAdmin => "system-admin-" + _suffix;

    /// <summary>The token of a named identity.</summary>
    public string Token(string who) => who switch
    {
        "admin" => Admin,
        "owner" => Owner,
        "member" => Member,
        "stranger" => Stranger,
        "system-admin" => SystemAdmin,
        _ => throw new ArgumentOutOfRangeException(nameof(who), who, null),
    };
}
