using System.Diagnostics;
using Npgsql;

namespace Glance.ImageStore.Tests.Support;

/// <summary>
/// A real PostgreSQL for the tests. <see cref="SharedAsync"/> is the test run's cluster: the one
/// <c>scripts/test.sh</c> started (<c>GLANCE_TEST_POSTGRES</c>, a connection string with the right
/// to create databases), or else one this process starts itself with <c>tests/postgres/cluster.sh</c>
/// and stops when it exits. Every store gets a database of its own (<see cref="CreateDatabaseAsync"/>).
/// <see cref="StartPrivateAsync"/> starts a cluster one test owns, to stop and start it under load.
/// When PostgreSQL is not installed or does not start, this throws with the reason, so every
/// PostgreSQL test fails loudly; none is ever skipped.
/// </summary>
public sealed class PostgresCluster : IAsyncDisposable
{
    private static readonly Lazy<Task<PostgresCluster>> Shared = new(StartSharedAsync);

    private readonly string? _folder;

    private PostgresCluster(string adminConnectionString, string? folder)
    {
        AdminConnectionString = adminConnectionString;
        _folder = folder;
    }

    /// <summary>A connection string to the <c>postgres</c> database as a superuser.</summary>
    public string AdminConnectionString { get; }

    /// <summary>The test run's cluster, started once.</summary>
    public static Task<PostgresCluster> SharedAsync() => Shared.Value;

    /// <summary>A cluster of its own, in a fresh folder on a free port; disposing stops it and removes the folder.</summary>
    public static async Task<PostgresCluster> StartPrivateAsync()
    {
        var folder = Path.Combine(Path.GetTempPath(), "glance-pg-" + Guid.NewGuid().ToString("N"));
        var port = await RunScriptAsync("start", folder);
        return new PostgresCluster(ConnectionString(int.Parse(port, System.Globalization.CultureInfo.InvariantCulture), "postgres"), folder);
    }

    /// <summary>Creates an empty database and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = "glance_test_" + Guid.NewGuid().ToString("N");
        await using (var connection = new NpgsqlConnection(AdminConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await command.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name, MaxPoolSize = 80 }.ConnectionString;
    }

    /// <summary>Stops the server (fast shutdown: sessions are ended); the data stays for <see cref="StartAgainAsync"/>.</summary>
    public async Task StopAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await RunScriptAsync("stop", OwnFolder());
    }

    /// <summary>Starts the stopped server again, on the same port.</summary>
    public Task StartAgainAsync() => RunScriptAsync("start", OwnFolder());

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_folder is null)
        {
            return;
        }

        NpgsqlConnection.ClearAllPools();
        await RunScriptAsync("destroy", _folder);
    }

    /// <summary>Drops a database <see cref="CreateDatabaseAsync"/> made (best effort: the cluster is a throwaway one).</summary>
    public async Task DropDatabaseAsync(string connectionString)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
        try
        {
            await using var connection = new NpgsqlConnection(AdminConnectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
            await command.ExecuteNonQueryAsync();
        }
        catch (NpgsqlException)
        {
            // The cluster went away first (a fault test's own cluster): nothing to drop.
        }
    }

    private string OwnFolder() => _folder ?? throw new InvalidOperationException("The shared cluster is not this test's to stop.");

    private static async Task<PostgresCluster> StartSharedAsync()
    {
        var external = Environment.GetEnvironmentVariable("GLANCE_TEST_POSTGRES");
        if (!string.IsNullOrWhiteSpace(external))
        {
            return new PostgresCluster(external, folder: null);
        }

        var cluster = await StartPrivateAsync();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => RunScriptAsync("destroy", cluster._folder!).GetAwaiter().GetResult();
        return new PostgresCluster(cluster.AdminConnectionString, cluster._folder);
    }

    private static string ConnectionString(int port, string database) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = port,
        Username = "postgres",
        Database = database,
        Timeout = 5,
    }.ConnectionString;

    private static async Task<string> RunScriptAsync(string command, string folder)
    {
        var script = Path.Combine(RepositoryRoot(), "tests", "postgres", "cluster.sh");
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(script);
        start.ArgumentList.Add(command);
        start.ArgumentList.Add(folder);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not run bash " + script);
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"PostgreSQL for the tests: '{script} {command}' failed ({process.ExitCode}): {(await error).Trim()}. "
                + "Install Debian's postgresql package (scripts/test.sh does), or set GLANCE_TEST_POSTGRES to a connection string of a server where the tests may create databases.");
        }

        return (await output).Trim();
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Glance.Gateway.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("no Glance.Gateway.sln above " + AppContext.BaseDirectory);
    }
}
