using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Glance.Gateway.EndToEnd.Tests.Support;

/// <summary>
/// A real Keystone (Debian's keystone 22 under uwsgi) started by <c>tests/keystone/keystone.sh</c>
/// in a temporary work directory: its <c>keystone.env</c>, tokens issued by it, and the number of
/// token validations it has served (counted from its uwsgi request log).
/// </summary>
public sealed class KeystoneServer : IAsyncDisposable
{
    /// <summary>How long <c>keystone.sh start</c> may take (7-20 s on an idle machine; scripts/test.sh installed the packages before).</summary>
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(180);

    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(60);

    private readonly HttpClient _http = new(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false })
    {
        Timeout = TimeSpan.FromSeconds(30),
    };

    private KeystoneServer(string workdir, IReadOnlyDictionary<string, string> env)
    {
        Workdir = workdir;
        Env = env;
        Admin = Account(env, "ADMIN");
        Service = Account(env, "SERVICE");
        Owner = Account(env, "OWNER");
        Member = Account(env, "MEMBER");
        Stranger = Account(env, "STRANGER");
    }

    /// <summary>The work directory (config, SQLite database, keys, logs).</summary>
    public string Workdir { get; }

    /// <summary>Every line of <c>keystone.env</c>.</summary>
    public IReadOnlyDictionary<string, string> Env { get; }

    /// <summary>Keystone's base URL (no /v3).</summary>
    public string Url => Env["KEYSTONE_URL"];

    /// <summary>What OpenStack clients take as <c>--os-auth-url</c>.</summary>
    public string AuthUrl => Env["KEYSTONE_AUTH_URL"];

    /// <summary>admin on project admin (also a system admin).</summary>
    public KeystoneAccount Admin { get; }

    /// <summary>The gateway's service user, glance-gateway on project service.</summary>
    public KeystoneAccount Service { get; }

    /// <summary>owner-user on project owner: owns the test images.</summary>
    public KeystoneAccount Owner { get; }

    /// <summary>member-user on project member: the image member.</summary>
    public KeystoneAccount Member { get; }

    /// <summary>stranger-user on project stranger: neither.</summary>
    public KeystoneAccount Stranger { get; }

    /// <summary>The uwsgi request log (one line per request).</summary>
    public string RequestLogPath => Path.Combine(Workdir, "uwsgi.log");

    /// <summary>The repository's keystone.sh.</summary>
    public static string ScriptPath => Path.Combine(RepositoryRoot(), "tests", "keystone", "keystone.sh");

    /// <summary>
    /// Runs <c>keystone.sh start</c> in a new temporary work directory. A failure throws with the
    /// script's stderr, so that every test depending on it fails (never skips).
    /// </summary>
    public static async Task<KeystoneServer> StartAsync(int? tokenExpirationSeconds = null)
    {
        var workdir = Directory.CreateTempSubdirectory("glance-e2e-keystone-").FullName;
        var environment = tokenExpirationSeconds is { } seconds
            ? new Dictionary<string, string> { ["KEYSTONE_TOKEN_EXPIRATION"] = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture) }
            : null;
        var (exit, _, stderr) = await RunScriptAsync("start", workdir, StartTimeout, environment);
        if (exit != 0)
        {
            await RunScriptAsync("stop", workdir, StopTimeout);
            throw new InvalidOperationException($"tests/keystone/keystone.sh start {workdir} failed (exit {exit}):\n{stderr}");
        }

        return new KeystoneServer(workdir, TestScript.ReadEnv(Path.Combine(workdir, "keystone.env")));
    }

    /// <summary>Stops Keystone (<c>keystone.sh stop</c>): nothing listens on its port afterwards.</summary>
    public Task StopAsync() => RunOrThrowAsync("stop", StopTimeout);

    /// <summary>Serves the same Keystone again after a stop (<c>keystone.sh resume</c>): same port, users and keys.</summary>
    public Task ResumeAsync() => RunOrThrowAsync("resume", StartTimeout);

    /// <summary>The settings that point a gateway at this Keystone with the glance-gateway service user.</summary>
    public Dictionary<string, string?> GatewaySettings() => new()
    {
        ["Keystone:Url"] = Url,
        ["Keystone:Username"] = Service.User,
        ["Keystone:Password"] = Service.Password,
        ["Keystone:ProjectName"] = Service.Project,
    };

    /// <summary>A new project-scoped token (password method), as <c>POST /v3/auth/tokens</c> issues it.</summary>
    public Task<string> IssueTokenAsync(KeystoneAccount account)
    {
        ArgumentNullException.ThrowIfNull(account);
        return IssueAsync(account, $"{{\"project\": {{\"name\": {Quote(account.Project)}, \"domain\": {{\"id\": \"default\"}}}}}}");
    }

    /// <summary>A new system-scoped token (<c>"system": {"all": true}</c>) for the admin user.</summary>
    public Task<string> IssueSystemTokenAsync() => IssueAsync(Admin, "{\"system\": {\"all\": true}}");

    /// <summary>Revokes a token (<c>DELETE /v3/auth/tokens</c>, as the admin).</summary>
    public async Task RevokeAsync(string token)
    {
        var admin = await IssueTokenAsync(Admin);
        using var response = await SendAsync(() =>
        {
            var request = new HttpRequestMessage(HttpMethod.Delete, Url + "/v3/auth/tokens");
            request.Headers.TryAddWithoutValidation("X-Auth-Token", admin);
            request.Headers.TryAddWithoutValidation("X-Subject-Token", token);
            return request;
        });
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.NoContent, $"revoke: {(int)response.StatusCode}");
    }

    /// <summary>
    /// How many token validations (<c>GET /v3/auth/tokens</c>) Keystone has served so far. Keystone
    /// runs one uwsgi worker with one thread and logs each request once it is answered: a marker
    /// request sent now is logged after every request answered before it, so the count is exact
    /// once the marker is in the log.
    /// </summary>
    public async Task<int> ValidationCountAsync()
    {
        var marker = "e2e-marker=" + Guid.NewGuid().ToString("N");
        using (var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, $"{Url}/v3?{marker}")))
        {
            Assert.True(response.IsSuccessStatusCode, $"GET /v3: {(int)response.StatusCode}");
        }

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var lines = SharedRead(RequestLogPath).Split('\n');
            var at = Array.FindIndex(lines, line => line.Contains(marker, StringComparison.Ordinal));
            if (at >= 0)
            {
                return lines.Take(at).Count(line => line.Contains("] GET /v3/auth/tokens", StringComparison.Ordinal));
            }

            Assert.True(DateTime.UtcNow < deadline, $"the marker request never reached {RequestLogPath}");
            await Task.Delay(50);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await RunScriptAsync("stop", Workdir, StopTimeout);
        try
        {
            Directory.Delete(Workdir, recursive: true);
        }
        catch (IOException)
        {
            // Temporary anyway.
        }
    }

    /// <summary>Reads a file another process keeps open for writing.</summary>
    public static string SharedRead(string path)
    {
        if (!File.Exists(path))
        {
            return string.Empty;
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>The repository root (the folder holding Glance.Gateway.sln).</summary>
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Glance.Gateway.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"no Glance.Gateway.sln above {AppContext.BaseDirectory}");
    }

    private async Task<string> IssueAsync(KeystoneAccount account, string scopeJson)
    {
        var body = $"{{\"auth\": {{\"identity\": {{\"methods\": [\"password\"], \"password\": {{\"user\": {{\"name\": {Quote(account.User)}, " +
                   $"\"domain\": {{\"id\": \"default\"}}, \"password\": {Quote(account.Password)}}}}}}}, \"scope\": {scopeJson}}}}}";
        using var response = await SendAsync(() =>
        {
            var content = new StringContent(body, Encoding.UTF8);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            return new HttpRequestMessage(HttpMethod.Post, Url + "/v3/auth/tokens?nocatalog") { Content = content };
        });
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Created,
            $"token for {account.User}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return response.Headers.GetValues("X-Subject-Token").Single();
    }

    /// <summary>
    /// One call of Keystone's REST API as the admin (a fresh admin token); fails the test unless it
    /// answers <paramref name="expected"/>; the body's JSON, or default for an empty one.
    /// </summary>
    public async Task<JsonElement> AdminAsync(HttpMethod method, string path, string? json, System.Net.HttpStatusCode expected)
    {
        var admin = await IssueTokenAsync(Admin);
        using var response = await SendAsync(() =>
        {
            var request = new HttpRequestMessage(method, Url + path);
            request.Headers.TryAddWithoutValidation("X-Auth-Token", admin);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            if (json is not null)
            {
                request.Content = new StringContent(json, Encoding.UTF8);
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            }

            return request;
        });
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"keystone {method} {path}: {(int)response.StatusCode} {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    // uwsgi's --http-socket closes each connection right after its response without saying so;
    // a request sent at that moment is reset before Keystone reads it (never processed), so it
    // is sent once more, as the gateway's Keystone client does.
    private async Task<HttpResponseMessage> SendAsync(Func<HttpRequestMessage> create)
    {
        for (var attempt = 0; ; attempt++)
        {
            using var request = create();
            try
            {
                return await _http.SendAsync(request);
            }
            catch (HttpRequestException) when (attempt == 0)
            {
                // once more, on a new connection
            }
        }
    }

    private async Task RunOrThrowAsync(string command, TimeSpan timeout)
    {
        var (exit, _, stderr) = await RunScriptAsync(command, Workdir, timeout);
        if (exit != 0)
        {
            throw new InvalidOperationException($"tests/keystone/keystone.sh {command} {Workdir} failed (exit {exit}):\n{stderr}");
        }
    }

    private static Task<(int Exit, string Stdout, string Stderr)> RunScriptAsync(
        string command, string workdir, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment = null) =>
        TestScript.RunAsync(ScriptPath, [command, workdir], timeout, environment);

    private static KeystoneAccount Account(IReadOnlyDictionary<string, string> env, string who) => new(
        env[$"KEYSTONE_{who}_USER"],
        env[$"KEYSTONE_{who}_PASSWORD"],
        env[$"KEYSTONE_{who}_PROJECT"],
        env.GetValueOrDefault($"KEYSTONE_{who}_USER_ID", string.Empty),
        env.GetValueOrDefault($"KEYSTONE_{who}_PROJECT_ID", string.Empty));

    private static string Quote(string value) => JsonSerializer.Serialize(value);
}

/// <summary>A Keystone user with its password and project (domain default).</summary>
public sealed record KeystoneAccount(string User, string Password, string Project, string UserId, string ProjectId);
