using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Primitives;

namespace Glance.Gateway.Routing;

/// <summary>
/// <c>config/reverse-proxy.json</c> as a configuration YARP reads its routes and clusters from,
/// reloaded when the file changes. Unlike the stock JSON provider, which empties its data when an
/// edit does not parse (and so would remove every route), a broken edit is refused and the last
/// good data stays. An edit YARP would refuse (checked with YARP's own validator) is refused the same
/// way, with one log line naming the problems.
/// </summary>
public sealed class RouteFileConfiguration : IDisposable
{
    private readonly LastGoodJsonProvider _provider;
    private readonly ConfigurationRoot _root;

    /// <summary>Loads the file; a file that does not parse stops the start-up.</summary>
    public RouteFileConfiguration(string path)
    {
        FilePath = Path.GetFullPath(path);
        _provider = new LastGoodJsonProvider(this);
        _root = new ConfigurationRoot([_provider]);
    }

    /// <summary>Raised when an edit is refused, with the reason.</summary>
    public event EventHandler<RouteFileRefusedEventArgs>? Refused;

    /// <summary>Raised when an edit was read and handed to YARP.</summary>
    public event EventHandler? Applied;

    /// <summary>The absolute path of the file.</summary>
    public string FilePath { get; }

    /// <summary>The configuration (its <c>ReverseProxy</c> section is YARP's).</summary>
    public IConfiguration Configuration => _root;

    /// <summary>Makes YARP read the routes again (after the hosted store bound its address).</summary>
    public void Refresh() => _provider.Refresh();

    /// <inheritdoc />
    public void Dispose()
    {
        _root.Dispose();
        _provider.Dispose();
    }

    private void OnRefused(Exception reason) => Refused?.Invoke(this, new RouteFileRefusedEventArgs(reason));

    private void OnApplied() => Applied?.Invoke(this, EventArgs.Empty);

    private sealed class LastGoodJsonProvider : ConfigurationProvider, IDisposable
    {
        private readonly RouteFileConfiguration _owner;
        private readonly PhysicalFileProvider _files;
        private readonly string _name;
        private readonly SemaphoreSlim _reloading = new(1, 1);
        private IDisposable? _watch;

        public LastGoodJsonProvider(RouteFileConfiguration owner)
        {
            _owner = owner;
            _files = new PhysicalFileProvider(Path.GetDirectoryName(owner.FilePath)!);
            _name = Path.GetFileName(owner.FilePath);
        }

        public override void Load()
        {
            try
            {
                Data = Parse(File.ReadAllBytes(_owner.FilePath));
            }
            catch (Exception ex) when (ex is IOException or FormatException or InvalidDataException or UnauthorizedAccessException or System.Text.Json.JsonException)
            {
                throw new Hosting.GatewayConfigurationException($"{_owner.FilePath} cannot be used: {ex.Message}", ex);
            }

            _watch = ChangeToken.OnChange(() => _files.Watch(_name), () => _ = ReloadSoonAsync());
        }

        public void Refresh() => OnReload();

        public void Dispose()
        {
            _watch?.Dispose();
            _files.Dispose();
            _reloading.Dispose();
        }

        // Editors write in several steps; wait for the burst to settle as the stock provider does.
        private async Task ReloadSoonAsync()
        {
            await Task.Delay(250);
            await _reloading.WaitAsync();
            try
            {
                Dictionary<string, string?> data;
                try
                {
                    data = Parse(File.ReadAllBytes(_owner.FilePath));
                    var problems = await RouteFileValidator.ValidateAsync(data);
                    if (problems.Count > 0)
                    {
                        throw new InvalidDataException("the proxy config is invalid: " + string.Join(" ", problems));
                    }
                }
                catch (Exception ex)
                {
                    // Whatever the failure (unreadable, half-written, not JSON, not valid for
                    // YARP), the last good routes stay: an edit must never take the routes away.
                    _owner.OnRefused(ex);
                    return;
                }

                Data = data;
            }
            finally
            {
                _reloading.Release();
            }

            OnReload();
            _owner.OnApplied();
        }

        private static Dictionary<string, string?> Parse(byte[] bytes)
        {
            using var stream = new MemoryStream(bytes);
            var parsed = new ConfigurationBuilder().AddJsonStream(stream).Build();
            var data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
            foreach (var (key, value) in parsed.AsEnumerable())
            {
                if (value is not null)
                {
                    data[key] = value;
                }
            }

            if (!parsed.GetSection("ReverseProxy:Routes").GetChildren().Any())
            {
                throw new InvalidDataException("it has no ReverseProxy:Routes.");
            }

            var problems = GlanceRouteRules.Check(parsed.GetSection("ReverseProxy"));
            if (problems.Count > 0)
            {
                throw new InvalidDataException(string.Join(" ", problems));
            }

            return data;
        }
    }
}

/// <summary>Why an edit of the routes file was refused.</summary>
public sealed class RouteFileRefusedEventArgs(Exception reason) : EventArgs
{
    /// <summary>The parse or read failure.</summary>
    public Exception Reason { get; } = reason;
}
