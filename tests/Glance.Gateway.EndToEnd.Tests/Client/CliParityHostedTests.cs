using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Glance.Gateway.EndToEnd.Tests.RealGlance;
using Glance.Gateway.EndToEnd.Tests.Support;
using Glance.Testing;

namespace Glance.Gateway.EndToEnd.Tests.Client;

/// <summary>
/// A real Glance 25.1 in legacy mode for <see cref="CliParityHostedTests"/> alone, with Glance's
/// metadata definitions loaded (<c>glance-manage db_load_metadefs /usr/share/glance-common/metadefs</c>,
/// as a deployment and tests/tempest/README.md load them; glance.sh only runs db_sync). Its own
/// Glance rather than the suite's (<see cref="RealGlanceFixture"/>): the class needs an image list
/// and a metadefs catalog that no other class writes to, and one Glance process costs less than
/// the suite's two. Started on first use, stopped after the class's last test.
/// </summary>
public sealed class CliParityGlanceFixture : IAsyncLifetime
{
    private readonly Lock _gate = new();
    private Task<GlanceServer>? _glance;

    /// <summary>The running Glance, started (and its metadefs loaded) now if this is the first call.</summary>
    public Task<GlanceServer> StartAsync(KeystoneServer keystone)
    {
        lock (_gate)
        {
            return _glance ??= StartNewAsync(keystone);
        }
    }

    /// <inheritdoc />
    public Task InitializeAsync() => Task.CompletedTask;

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_glance is { IsCompletedSuccessfully: true })
        {
            await (await _glance).DisposeAsync();
        }
    }

    private static async Task<GlanceServer> StartNewAsync(KeystoneServer keystone)
    {
        var glance = await GlanceServer.StartAsync(keystone, GlanceRbac.Legacy);
        try
        {
            var (exit, stdout, stderr) = await CliParityHostedTests.RunAsync(
                "/usr/bin/glance-manage",
                ["--config-file", Path.Combine(glance.Workdir, "glance-api.conf"), "db_load_metadefs", "/usr/share/glance-common/metadefs"],
                new Dictionary<string, string>());
            if (exit != 0)
            {
                throw new InvalidOperationException($"glance-manage db_load_metadefs failed (exit {exit}):\n{stdout}{stderr}");
            }

            return glance;
        }
        catch
        {
            await glance.DisposeAsync();
            throw;
        }
    }
}

/// <summary>
/// The CLIs users run (python-glanceclient's <c>glance</c>, python-openstackclient's
/// <c>openstack</c>, Debian's), each command run once against the real Glance 25.1
/// (<see cref="CliParityGlanceFixture"/>) and once against a gateway that hosts its own store
/// (<see cref="HostedStoreGatewayFixture"/>), behind the same real Keystone, as the same owner
/// (password authentication). Each side gets the same images made through its own API first.
/// Each test asserts the exit codes and that the two outputs are the same after
/// <see cref="Normalize"/>, which rewrites only what differs between any two Glances:
/// <list type="bullet">
/// <item>image ids (each side's uuid4s): the n-th image a test made on a side, on either side, is
/// written <c>image-n</c> padded to the uuid's 36 characters, so that table borders stay exact;</item>
/// <item>timestamps (created_at, updated_at: the clock at each side's request): every digit of an
/// ISO 8601 timestamp is written 0, keeping its length;</item>
/// <item>each side's own base URL (its port), written <c>{base}</c>;</item>
/// <item>the order inside a printed Python list (glance's Tags column, <c>['a', 'b']</c>): Glance
/// keeps an image's tags in a Python set, whose order follows the process's random hash seed
/// (the same call gives either order from one Glance start to the next), so both are sorted.</item>
/// </list>
/// Nothing else: names, sizes, checksums, hashes, tags, owner, visibility, status, order, the
/// table layout and the exit codes must be Glance's.
/// </summary>
[Collection(SharedKeystoneGroup.Name)]
public sealed partial class CliParityHostedTests(KeystoneFixture keystoneFixture, CliParityGlanceFixture glanceFixture, HostedStoreGatewayFixture hostedFixture)
    : IAsyncLifetime, IClassFixture<CliParityGlanceFixture>, IClassFixture<HostedStoreGatewayFixture>
{
    private const string GlanceCli = "/usr/bin/glance";
    private const string OpenStackCli = "/usr/bin/openstack";

    private readonly KeystoneServer _keystone = keystoneFixture.Keystone;
    private readonly List<(Side Side, string Id)> _created = [];
    private Side _glance = null!;
    private Side _gateway = null!;
    private string _token = null!;
    private string _home = null!;

    public async Task InitializeAsync()
    {
        Assert.True(File.Exists(GlanceCli), $"{GlanceCli} is missing: scripts/test.sh installs python3-glanceclient");
        Assert.True(File.Exists(OpenStackCli), $"{OpenStackCli} is missing: scripts/test.sh installs python3-openstackclient");
        var glance = await glanceFixture.StartAsync(_keystone);
        var gateway = await hostedFixture.StartAsync(_keystone);
        _glance = new Side("glance", glance.Url.TrimEnd('/'), new HttpClient(new SocketsHttpHandler { UseProxy = false })
        {
            BaseAddress = new Uri(glance.Url),
            Timeout = TimeSpan.FromSeconds(60),
        });
        _gateway = new Side("gateway", gateway.Address.GetLeftPart(UriPartial.Authority), gateway.Client);
        _token = await _keystone.IssueTokenAsync(_keystone.Owner);
        _home = Directory.CreateTempSubdirectory("glance-e2e-cli-parity-").FullName;
    }

    public async Task DisposeAsync()
    {
        foreach (var (side, id) in _created)
        {
            (await SendAsync(side, HttpMethod.Delete, $"/v2/images/{id}")).Dispose();
        }

        _glance?.Client.Dispose();
        if (_home is not null)
        {
            Directory.Delete(_home, recursive: true);
        }
    }

    [Fact]
    public async Task GlanceImageList_SortSizeDescTagPropertyFilter_SameAsGlance()
    {
        // Vmdk and tagged t: h, b (1000 bytes each: created_at, then id, break the tie), a, c,
        // and f without data (size null). Left out: d (raw), e (not tagged t), g (qcow2, tagged u).
        (string Name, string DiskFormat, string[] Tags, int? Bytes)[] images =
        [
            ("a", "vmdk", ["t"], 300), ("b", "vmdk", ["t", "u"], 1000), ("c", "vmdk", ["t"], 20), ("d", "raw", ["t"], 500),
            ("e", "vmdk", [], 700), ("f", "vmdk", ["t"], null), ("g", "qcow2", ["u"], 800), ("h", "vmdk", ["t"], 1000),
        ];
        var ids = new Dictionary<Side, List<string>>();
        foreach (var side in new[] { _glance, _gateway })
        {
            ids[side] = [];
            foreach (var (name, diskFormat, tags, bytes) in images)
            {
                ids[side].Add(await CreateImageAsync(side, new JsonObject
                {
                    ["name"] = name, ["disk_format"] = diskFormat, ["container_format"] = "bare",
                    ["tags"] = new JsonArray(tags.Select(t => (JsonNode)t).ToArray()),
                }, bytes is null ? null : new byte[bytes.Value]));
            }
        }

        string[] command = ["image-list", "--sort-key", "size", "--sort-dir", "desc", "--tag", "t", "--property-filter", "disk_format=vmdk"];
        var glance = await GlanceAsync(_glance, command);
        var gateway = await GlanceAsync(_gateway, command);

        Assert.True(glance.Exit == 0, $"glance: exit {glance.Exit}: {glance.Stdout}{glance.Stderr}");
        Assert.True(gateway.Exit == 0, $"gateway: exit {gateway.Exit}: {gateway.Stdout}{gateway.Stderr}");
        Assert.Equal(["h", "b", "a", "c", "f"], TableColumn(glance.Stdout, 1));
        Assert.Equal(Normalize(glance.Stdout, _glance, ids[_glance]), Normalize(gateway.Stdout, _gateway, ids[_gateway]));
    }

    [Fact]
    public async Task GlanceImageTagUpdateAndDelete_SameAsGlance()
    {
        var ids = new Dictionary<Side, List<string>>();
        var answers = new Dictionary<Side, List<string>>();
        foreach (var side in new[] { _glance, _gateway })
        {
            var id = await CreateImageAsync(side, new JsonObject { ["name"] = "tagged", ["tags"] = new JsonArray("keep") });
            ids[side] = [id];
            answers[side] = [];
            foreach (var arguments in new[]
                     {
                         new[] { "image-tag-update", id, "added" },
                         ["image-tag-update", id, "added"],
                         ["image-tag-delete", id, "keep"],
                         ["image-tag-delete", id, "keep"],
                         ["image-tag-update", id, new string('x', 256)],
                     })
            {
                var (exit, stdout, stderr) = await GlanceAsync(side, arguments);
                answers[side].Add($"{arguments[0]} {(arguments[2].Length > 20 ? "x*256" : arguments[2])}: exit {exit}\n{stdout}{stderr}");
            }

            using var image = await SendAsync(side, HttpMethod.Get, $"/v2/images/{id}");
            answers[side].Add("tags: " + string.Join(",", JsonNode.Parse(await image.Content.ReadAsStringAsync())!["tags"]!.AsArray().Select(t => (string)t!)));
        }

        // Exit codes as Glance 25 gives them: tags added and deleted (0, twice for the idempotent
        // PUT), the second delete of a tag is Glance's 404 (1), a 256-character tag its 400 (1).
        Assert.Equal(
            ["exit 0", "exit 0", "exit 0", "exit 1", "exit 1"],
            answers[_glance].Take(5).Select(a => a.Split('\n')[0].Split(": ")[1]));
        Assert.Equal("tags: added", answers[_glance][5]);
        Assert.Equal(
            string.Join("\n", answers[_glance].Select(a => Normalize(a, _glance, ids[_glance]))),
            string.Join("\n", answers[_gateway].Select(a => Normalize(a, _gateway, ids[_gateway]))));
    }

    [Fact]
    public async Task GlanceImageCreateViaImport_GlanceDirect_SameImageAsGlance()
    {
        var file = Path.Combine(_home, "import.raw");
        await File.WriteAllBytesAsync(file, Enumerable.Range(0, 4099).Select(i => (byte)(i * 7)).ToArray());
        string[] command = ["image-create-via-import", "--import-method", "glance-direct", "--file", file, "--disk-format", "raw", "--container-format", "bare", "--name", "x"];
        var shown = new Dictionary<Side, string>();
        var createdProperties = new Dictionary<Side, string>();
        foreach (var side in new[] { _glance, _gateway })
        {
            var (exit, stdout, stderr) = await GlanceAsync(side, command);
            Assert.True(exit == 0, $"{side.Name}: exit {exit}: {stdout}{stderr}");
            var table = Table(stdout);
            var id = table.Single(row => row[0] == "id")[1];
            _created.Add((side, id));

            // The printed image is the one read right after the import call: how far the import task
            // has got by then is a race on either side (Glance's task adds os_glance_import_task as
            // its lock, then os_glance_importing_to_stores and os_glance_failed_import, and drops
            // the lock when done; checksum and os_hash_value are None until the data is stored, and
            // a 128-digit hash wraps onto a second row with an empty name), so only the other
            // property names compare, not their values nor continuation rows.
            string[] racing = ["os_glance_import_task", "os_glance_importing_to_stores", "os_glance_failed_import"];
            createdProperties[side] = string.Join(",", table.Skip(1).Select(row => row[0]).Where(name => name.Length > 0 && !racing.Contains(name)));
            await WaitForActiveAsync(side, id);
            var show = await GlanceAsync(side, ["image-show", id]);
            Assert.True(show.Exit == 0, $"{side.Name}: image-show: exit {show.Exit}: {show.Stdout}{show.Stderr}");
            shown[side] = Normalize(show.Stdout, side, [id]);
        }

        Assert.Matches(@"\| status +\| active +\|", shown[_glance]);
        Assert.Equal(createdProperties[_glance], createdProperties[_gateway]);
        Assert.Equal(shown[_glance], shown[_gateway]);
    }

    [Fact]
    public async Task GlanceMdNamespaceList_SameAsGlance()
    {
        var glance = await GlanceAsync(_glance, ["md-namespace-list"]);
        var gateway = await GlanceAsync(_gateway, ["md-namespace-list"]);

        Assert.True(glance.Exit == 0, $"glance: exit {glance.Exit}: {glance.Stdout}{glance.Stderr}");
        Assert.True(gateway.Exit == 0, $"gateway: exit {gateway.Exit}: {gateway.Stdout}{gateway.Stderr}");
        Assert.Equal(RowsSorted(glance.Stdout), RowsSorted(gateway.Stdout));

        // Debian ships 33 namespaces; two of them (OS::Glance::CommonImageProperties and
        // OS::OperatingSystem) are private, owned by the loader's admin: the owner project sees
        // the other 31.
        Assert.Equal(31, TableColumn(glance.Stdout, 0).Count);
    }

    [Fact]
    public async Task OpenStackImageSetTag_ThenImageShow_SameAsGlance()
    {
        var shown = new Dictionary<Side, string>();
        foreach (var side in new[] { _glance, _gateway })
        {
            var id = await CreateImageAsync(side, new JsonObject
            {
                ["name"] = "osc", ["disk_format"] = "raw", ["container_format"] = "bare", ["tags"] = new JsonArray("one"),
            }, new byte[100]);

            // openstack finds the image API in Keystone's catalog only: one side registered at a time.
            await using var catalog = await KeystoneCatalogEntry.RegisterAsync(_keystone, "image", "glance", side.BaseUrl);
            var set = await OpenStackAsync(["image", "set", "--tag", "two", id]);
            Assert.True(set.Exit == 0, $"{side.Name}: image set: exit {set.Exit}: {set.Stdout}{set.Stderr}");
            Assert.Equal("", set.Stdout + set.Stderr);
            var show = await OpenStackAsync(["image", "show", id]);
            Assert.True(show.Exit == 0, $"{side.Name}: image show: exit {show.Exit}: {show.Stdout}{show.Stderr}");
            shown[side] = Normalize(show.Stdout, side, [id]);
        }

        Assert.Matches(@"\| tags +\| one, two +\|", shown[_glance]);
        Assert.Equal(shown[_glance], shown[_gateway]);
    }

    // Rewrites what legitimately differs between two Glances (see the class summary): ids by
    // position, timestamps' digits, the side's base URL.
    private static string Normalize(string text, Side side, List<string> ids)
    {
        for (var i = 0; i < ids.Count; i++)
        {
            text = text.Replace(ids[i], $"image-{i}".PadRight(36, '-'), StringComparison.Ordinal);
        }

        text = Timestamp().Replace(text, m => Regex.Replace(m.Value, "[0-9]", "0"));
        text = TagList().Replace(text, m => "['" + string.Join("', '", m.Groups[1].Value.Split("', '").Order(StringComparer.Ordinal)) + "']");
        return text.Replace(side.BaseUrl, "{base}", StringComparison.Ordinal);
    }

    [GeneratedRegex(@"\['([^\]]*)'\]")]
    private static partial Regex TagList();

    [GeneratedRegex(@"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?")]
    private static partial Regex Timestamp();

    // The rows of a prettytable (header included), cells trimmed.
    private static List<string[]> Table(string output) =>
        output.Split('\n')
            .Where(line => line.StartsWith('|'))
            .Select(line => line.Trim().Trim('|').Split('|').Select(cell => cell.Trim()).ToArray())
            .ToList();

    // The output with a prettytable's body rows sorted (header, borders and widths kept). Used for
    // md-namespace-list only: Glance lists namespaces newest first (created_at, then id, desc),
    // and db_load_metadefs created them in os.listdir order of the metadefs folder, an order of
    // the file system's directory hashing, not of Glance; the hosted store loads the same files
    // embedded, in an order of its own. Which namespaces, and the table, must still be the same.
    private static string RowsSorted(string output)
    {
        var lines = output.Split('\n');
        var body = lines.Skip(3).Where(line => line.StartsWith('|')).Order(StringComparer.Ordinal);
        return string.Join('\n', lines.Take(3).Concat(body).Concat(lines.Skip(3).Where(line => !line.StartsWith('|'))));
    }

    // One column of a prettytable's body rows.
    private static List<string> TableColumn(string output, int column) => Table(output).Skip(1).Select(row => row[column]).ToList();

    private async Task<string> CreateImageAsync(Side side, JsonObject image, byte[]? data = null)
    {
        using var created = await SendAsync(side, HttpMethod.Post, "/v2/images", image.ToJsonString());
        var body = await created.Content.ReadAsStringAsync();
        Assert.True(created.StatusCode == HttpStatusCode.Created, $"{side.Name}: create: {(int)created.StatusCode} {body}");
        var id = (string)JsonNode.Parse(body)!["id"]!;
        _created.Add((side, id));
        if (data is not null)
        {
            using var upload = await SendAsync(side, HttpMethod.Put, $"/v2/images/{id}/file", data: data);
            Assert.True(upload.StatusCode == HttpStatusCode.NoContent, $"{side.Name}: upload: {(int)upload.StatusCode}");
        }

        return id;
    }

    private async Task WaitForActiveAsync(Side side, string id)
    {
        var status = "";
        for (var deadline = DateTime.UtcNow.AddSeconds(60); DateTime.UtcNow < deadline; await Task.Delay(250))
        {
            using var response = await SendAsync(side, HttpMethod.Get, $"/v2/images/{id}");
            status = (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())?["status"] ?? "";
            if (status is "active" or "killed" or "deleted")
            {
                break;
            }
        }

        Assert.True(status == "active", $"{side.Name}: image {id} is {status}, not active, after the import");
    }

    private async Task<HttpResponseMessage> SendAsync(Side side, HttpMethod method, string path, string? json = null, byte[]? data = null)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.TryAddWithoutValidation("X-Auth-Token", _token);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }
        else if (data is not null)
        {
            request.Content = new ByteArrayContent(data);
            request.Content.Headers.ContentType = new("application/octet-stream");
        }

        return await side.Client.SendAsync(request);
    }

    // glance with password authentication against Keystone and the side's image URL.
    private Task<(int Exit, string Stdout, string Stderr)> GlanceAsync(Side side, IEnumerable<string> arguments)
    {
        var account = _keystone.Owner;
        string[] options =
        [
            "--os-auth-url", _keystone.AuthUrl,
            "--os-username", account.User,
            "--os-password", account.Password,
            "--os-project-name", account.Project,
            "--os-user-domain-id", "default",
            "--os-project-domain-id", "default",
            "--os-image-url", side.BaseUrl,
        ];
        // Through sh with standard input closed (glance ... <&-, as in cron jobs): glanceclient takes
        // any stdin that is not a terminal for image data, and refuses --file with it.
        return RunAsync("/bin/sh", ["-c", "exec \"$0\" \"$@\" <&-", GlanceCli, .. options, .. arguments], new Dictionary<string, string> { ["HOME"] = _home });
    }

    // openstack with password authentication (the variables an openrc sets), the image API from the catalog.
    private Task<(int Exit, string Stdout, string Stderr)> OpenStackAsync(IEnumerable<string> arguments)
    {
        var account = _keystone.Owner;
        return RunAsync(OpenStackCli, arguments, new Dictionary<string, string>
        {
            ["HOME"] = _home,
            ["OS_AUTH_URL"] = _keystone.AuthUrl,
            ["OS_IDENTITY_API_VERSION"] = "3",
            ["OS_USERNAME"] = account.User,
            ["OS_PASSWORD"] = account.Password,
            ["OS_PROJECT_NAME"] = account.Project,
            ["OS_USER_DOMAIN_ID"] = "default",
            ["OS_PROJECT_DOMAIN_ID"] = "default",
            ["OS_REGION_NAME"] = _keystone.Env["KEYSTONE_REGION"],
            ["OS_INTERFACE"] = "public",
            ["OS_IMAGE_API_VERSION"] = "2",
        });
    }

    /// <summary>Runs a program with no OS_* variables but <paramref name="environment"/>'s; killed after 180 s.</summary>
    internal static async Task<(int Exit, string Stdout, string Stderr)> RunAsync(string program, IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment)
    {
        var info = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var name in info.Environment.Keys.Where(k => k.StartsWith("OS_", StringComparison.Ordinal)).ToList())
        {
            info.Environment.Remove(name);
        }

        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{program} did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(180));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            return (-1, await stdout, $"timed out after 180 s\n{await stderr}");
        }

        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>One side: its name in messages, the base URL the CLIs are given, an HTTP client toward it.</summary>
    private sealed record Side(string Name, string BaseUrl, HttpClient Client);
}
