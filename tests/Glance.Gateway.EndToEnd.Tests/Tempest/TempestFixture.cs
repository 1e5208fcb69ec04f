using Glance.Gateway.EndToEnd.Tests.Support;
using Glance.Testing;

namespace Glance.Gateway.EndToEnd.Tests.Tempest;

/// <summary>
/// One Tempest run against the gateway hosting its store: a real Keystone of its own (Tempest
/// creates projects and users in it, and the harness registers the gateway as its one image
/// endpoint), the gateway on a fresh data folder toward that Keystone and the suite's Redis, as the
/// other end-to-end tests start it, then <c>tests/tempest/tempest.sh</c> once. If any of it cannot
/// start, every test of the class fails with the reason.
/// </summary>
public abstract class TempestFixture : IAsyncLifetime
{
    private readonly string _mode;
    private readonly string _suite;
    private KeystoneServer? _keystone;
    private RedisServer? _redis;
    private GatewayHost? _gateway;
    private TempestRun? _run;

    /// <summary>A run of <paramref name="suite"/> (<c>api</c> or <c>rbac</c>) with the gateway's policy in <paramref name="mode"/> (<c>legacy</c> or <c>secure</c>).</summary>
    protected TempestFixture(string mode, string suite)
    {
        _mode = mode;
        _suite = suite;
    }

    /// <summary>The run's results.</summary>
    public TempestRun Run => _run ?? throw new InvalidOperationException("the Tempest run did not happen");

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        _keystone = await KeystoneServer.StartAsync();
        _redis = await RedisServer.SharedOrNewAsync();
        var secure = (_mode == "secure").ToString();
        _gateway = await EndToEndGateway.StartAsync(_keystone, _redis, new Dictionary<string, string?>
        {
            ["Policy:EnforceNewDefaults"] = secure,
            ["Policy:EnforceScope"] = secure,
        });
        _run = await TempestRun.RunAsync(_keystone, _gateway.Address, _mode, _suite);
        Console.WriteLine($"Tempest {_suite} ({_mode}) against the gateway: {_run.Summary}; harness wall time {_run.Elapsed.TotalSeconds:0} s");
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        _run?.Dispose();
        if (_gateway is not null)
        {
            await _gateway.DisposeAsync();
        }

        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }

        if (_keystone is not null)
        {
            await _keystone.DisposeAsync();
        }
    }
}

/// <summary>Tempest's image API tests, legacy policy (Glance 25's packaged defaults).</summary>
public sealed class TempestImageApiFixture() : TempestFixture("legacy", "api");

/// <summary>glance-tempest-plugin's RBAC tests, secure RBAC (enforce_new_defaults and enforce_scope).</summary>
public sealed class TempestRbacFixture() : TempestFixture("secure", "rbac");

/// <summary>The Tempest runs: one after another (each is two Tempest workers on a 2-core machine).</summary>
[CollectionDefinition(Name)]
public sealed class TempestGroup
{
    /// <summary>The collection's name.</summary>
    public const string Name = "Tempest";
}
