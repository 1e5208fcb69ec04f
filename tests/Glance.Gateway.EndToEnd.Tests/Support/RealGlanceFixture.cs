using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Glance.Testing;

namespace Glance.Gateway.EndToEnd.Tests.Support;

/// <summary>
/// Two real Glance 25 servers behind the suite's Keystone (collection <see cref="SharedKeystoneGroup"/>),
/// one in legacy and one in secure RBAC mode, each with a gateway in front of it. Started on first
/// use (<see cref="StartAsync"/>), so that the collection's other tests do not wait for them, and
/// stopped after the collection's last test. If they cannot start, every test that asks fails with
/// the same error (glance.sh's stderr), never skips.
/// </summary>
public sealed class RealGlanceFixture : IAsyncLifetime
{
    private readonly Lock _gate = new();
    private Task<RealGlanceSuite>? _suite;

    /// <summary>The running servers, started now if this is the first call.</summary>
    public Task<RealGlanceSuite> StartAsync(KeystoneServer keystone)
    {
        lock (_gate)
        {
            return _suite ??= RealGlanceSuite.StartAsync(keystone);
        }
    }

    /// <inheritdoc />
    public Task InitializeAsync() => Task.CompletedTask;

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_suite is { IsCompletedSuccessfully: true })
        {
            await (await _suite).DisposeAsync();
        }
    }
}

/// <summary>One Glance with the gateway started in front of it, and a client toward each.</summary>
public sealed class GlanceAndGateway : IAsyncDisposable
{
    internal GlanceAndGateway(GlanceServer glance, GatewayHost gateway)
    {
        Glance = glance;
        Gateway = gateway;
        Direct = new HttpClient(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false })
        {
            BaseAddress = new Uri(glance.Url),
            Timeout = TimeSpan.FromSeconds(60),
        };
    }

    /// <summary>The real Glance.</summary>
    public GlanceServer Glance { get; }

    /// <summary>The gateway whose image-store cluster is that Glance.</summary>
    public GatewayHost Gateway { get; }

    /// <summary>A client toward Glance itself.</summary>
    public HttpClient Direct { get; }

    /// <summary>A client toward the gateway.</summary>
    public HttpClient Through => Gateway.Client;

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        Direct.Dispose();
        await Gateway.DisposeAsync();
        await Glance.DisposeAsync();
    }
}

/// <summary>What <see cref="RealGlanceFixture"/> starts: both Glances and gateways, the tokens, and a reader-only user.</summary>
public sealed class RealGlanceSuite : IAsyncDisposable
{
    /// <summary>The reader-only user this suite creates in the owner project.</summary>
    public const string ReaderUserName = "reader-user";

    private readonly RedisServer _redis;
    private readonly Lock _withFileGate = new();
    private readonly Dictionary<string, Task<GlanceAndGateway>> _withFile = new(StringComparer.Ordinal);
    private readonly string _policyFolder = Directory.CreateTempSubdirectory("glance-e2e-policy-").FullName;

    private RealGlanceSuite(KeystoneServer keystone, RedisServer redis, GlanceAndGateway legacy, GlanceAndGateway secure,
        KeystoneAccount reader, RealTokens tokens, string readerToken)
    {
        Keystone = keystone;
        _redis = redis;
        Legacy = legacy;
        Secure = secure;
        Reader = reader;
        Tokens = tokens;
        ReaderToken = readerToken;
    }

    /// <summary>The suite's Keystone.</summary>
    public KeystoneServer Keystone { get; }

    /// <summary>Glance in legacy RBAC mode and its gateway.</summary>
    public GlanceAndGateway Legacy { get; }

    /// <summary>Glance in secure RBAC mode and its gateway.</summary>
    public GlanceAndGateway Secure { get; }

    /// <summary><see cref="ReaderUserName"/>: only the <c>reader</c> role, on the owner project.</summary>
    public KeystoneAccount Reader { get; }

    /// <summary>Tokens of admin, owner, member, stranger and the system admin.</summary>
    public RealTokens Tokens { get; }

    /// <summary>A token of <see cref="Reader"/> on the owner project.</summary>
    public string ReaderToken { get; }

    /// <summary>The Glance and gateway of one mode.</summary>
    public GlanceAndGateway For(GlanceRbac mode) => mode == GlanceRbac.Secure ? Secure : Legacy;

    /// <summary>
    /// A Glance in legacy mode with an operator's policy file (<c>[oslo_policy] policy_file</c>),
    /// and a gateway in front of it given the same file (<c>Policy:File</c>): one per
    /// <paramref name="name"/>, started on first use, stopped with the suite.
    /// </summary>
    public Task<GlanceAndGateway> WithPolicyFileAsync(string name, string policyYaml)
    {
        lock (_withFileGate)
        {
            if (!_withFile.TryGetValue(name, out var started))
            {
                started = StartWithPolicyFileAsync(name, policyYaml);
                _withFile[name] = started;
            }

            return started;
        }
    }

    /// <summary>A token of a named identity: those of <see cref="RealTokens.For"/>, and <c>reader</c>.</summary>
    public string TokenFor(string who) => who == "reader" ? ReaderToken : Tokens.For(who);

    internal static async Task<RealGlanceSuite> StartAsync(KeystoneServer keystone)
    {
        ArgumentNullException.ThrowIfNull(keystone);
        var redis = await RedisServer.SharedOrNewAsync();
        var started = new Stack<IAsyncDisposable>();
        started.Push(redis);
        try
        {
            // Both at once: each in a workdir of its own.
            var legacyGlance = GlanceServer.StartAsync(keystone, GlanceRbac.Legacy);
            var secureGlance = GlanceServer.StartAsync(keystone, GlanceRbac.Secure);
            try
            {
                await Task.WhenAll(legacyGlance, secureGlance);
            }
            finally
            {
                foreach (var glance in new[] { legacyGlance, secureGlance }.Where(t => t.IsCompletedSuccessfully))
                {
                    started.Push(glance.Result);
                }
            }

            var legacyGateway = await GatewayTowardAsync(keystone, redis, legacyGlance.Result);
            started.Push(legacyGateway);
            var secureGateway = await GatewayTowardAsync(keystone, redis, secureGlance.Result);
            started.Push(secureGateway);
            var legacy = new GlanceAndGateway(legacyGlance.Result, legacyGateway);
            var secure = new GlanceAndGateway(secureGlance.Result, secureGateway);

            var reader = await CreateReaderAsync(keystone);
            var tokens = await RealTokens.IssueAsync(keystone);
            var readerToken = await keystone.IssueTokenAsync(reader);
            return new RealGlanceSuite(keystone, redis, legacy, secure, reader, tokens, readerToken);
        }
        catch
        {
            while (started.TryPop(out var item))
            {
                await item.DisposeAsync();
            }

            throw;
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await Legacy.DisposeAsync();
        await Secure.DisposeAsync();
        foreach (var started in _withFile.Values.Where(t => t.IsCompletedSuccessfully))
        {
            await started.Result.DisposeAsync();
        }

        await _redis.DisposeAsync();
        Directory.Delete(_policyFolder, recursive: true);
    }

    private async Task<GlanceAndGateway> StartWithPolicyFileAsync(string name, string policyYaml)
    {
        var file = Path.Combine(_policyFolder, name + ".yaml");
        await File.WriteAllTextAsync(file, policyYaml);
        var glance = await GlanceServer.StartAsync(Keystone, GlanceRbac.Legacy, file);
        try
        {
            return new GlanceAndGateway(glance, await GatewayTowardAsync(Keystone, _redis, glance, file));
        }
        catch
        {
            await glance.DisposeAsync();
            throw;
        }
    }

    // The gateway as it fronts a real Glance: no hosted store, the caller's token passed on, the
    // policy mode (and file) of that Glance, and the image-store cluster pointing at it.
    private static Task<GatewayHost> GatewayTowardAsync(KeystoneServer keystone, RedisServer redis, GlanceServer glance, string? policyFile = null)
    {
        var secure = glance.Mode == GlanceRbac.Secure ? "true" : "false";
        var settings = new Dictionary<string, string?>
        {
            ["ImageStore:Enabled"] = "false",
            ["Backend:Identity"] = "Token",
            ["Policy:EnforceNewDefaults"] = secure,
            ["Policy:EnforceScope"] = secure,
        };
        if (policyFile is not null)
        {
            settings["Policy:File"] = policyFile;
        }

        return EndToEndGateway.StartAsync(keystone, redis, settings, GatewayHost.RoutesToward(glance.Url));
    }

    // A user with only the reader role on the owner project, created through Keystone's REST API
    // with the admin's token (keystone.sh creates member-role users only).
    private static async Task<KeystoneAccount> CreateReaderAsync(KeystoneServer keystone)
    {
        var roles = await keystone.AdminAsync(HttpMethod.Get, "/v3/roles?name=reader", null, HttpStatusCode.OK);
        var readerRole = roles.GetProperty("roles")[0].GetProperty("id").GetString()!;
        var password = Guid.NewGuid().ToString("N");
        var project = keystone.Owner.ProjectId;
        var created = await keystone.AdminAsync(HttpMethod.Post, "/v3/users", JsonSerializer.Serialize(new
        {
            user = new { name = ReaderUserName, domain_id = "default", password, default_project_id = project, enabled = true },
        }), HttpStatusCode.Created);
        var userId = created.GetProperty("user").GetProperty("id").GetString()!;
        await keystone.AdminAsync(HttpMethod.Put, $"/v3/projects/{project}/users/{userId}/roles/{readerRole}", null, HttpStatusCode.NoContent);
        return new KeystoneAccount(ReaderUserName, password, keystone.Owner.Project, userId, project);
    }
}
