using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Glance.Testing;

/// <summary>
/// The built gateway (<c>dotnet Glance.Gateway.dll</c>) as a separate process on a free loopback
/// port, configured only through environment variables, for the tests whose figures must be the
/// gateway's alone: resident memory (VmRSS / VmHWM from <c>/proc/PID/status</c>), a process that
/// must not crash. The dll is the one the test project's reference to Glance.Gateway copies into
/// the test's own output folder, so it is always of the configuration being tested.
/// </summary>
public sealed class GatewayProcess : IAsyncDisposable
{
    private const int MaxOutputChars = 256 * 1024;
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private GatewayProcess(Process process, Uri address, string root)
    {
        _process = process;
        Address = address;
        Root = root;
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>The built gateway beside the test assembly.</summary>
    public static string DefaultDll => Path.Combine(AppContext.BaseDirectory, "Glance.Gateway.dll");

    /// <summary>Where the gateway listens.</summary>
    public Uri Address { get; }

    /// <summary>The working directory of the process (relative data and log paths land here).</summary>
    public string Root { get; }

    /// <summary>The process id.</summary>
    public int Pid => _process.Id;

    /// <summary>True while the process runs.</summary>
    public bool IsRunning => !_process.HasExited;

    /// <summary>The exit code (after it exited).</summary>
    public int ExitCode => _process.ExitCode;

    /// <summary>What the process wrote to stdout and stderr (the first 256 KiB).</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Resident memory now, in bytes (VmRSS).</summary>
    public long RssBytes => ReadStatus("VmRSS:");

    /// <summary>Peak resident memory since start, in bytes (VmHWM).</summary>
    public long PeakRssBytes => ReadStatus("VmHWM:");

    /// <summary>
    /// Starts the gateway with these settings (configuration keys, ':' or '__'; they become
    /// environment variables) in <paramref name="root"/> (default: a new temporary folder) and
    /// waits until <c>/healthz</c> answers. The listen address is set here (a free port; tried
    /// again on another port if the one picked was taken meanwhile).
    /// </summary>
    public static async Task<GatewayProcess> StartAsync(IDictionary<string, string?> settings, string? root = null, string? dll = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        dll ??= DefaultDll;
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException("The built gateway is not beside the tests; build the solution first.", dll);
        }

        root ??= Directory.CreateTempSubdirectory("glance-gateway-process-").FullName;
        for (var attempt = 1; ; attempt++)
        {
            var address = new Uri($"http://127.0.0.1:{FreePort.Next().ToString(CultureInfo.InvariantCulture)}");
            // The build's Glance.Gateway.dll runs under dotnet; a published gateway runs as itself.
            var isDll = dll.EndsWith(".dll", StringComparison.OrdinalIgnoreCase);
            var info = new ProcessStartInfo(isDll ? "dotnet" : dll)
            {
                WorkingDirectory = root,
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            if (isDll)
            {
                info.ArgumentList.Add(dll);
            }

            foreach (var (key, value) in settings)
            {
                info.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
            }

            info.Environment["ASPNETCORE_URLS"] = address.ToString();
            info.Environment["DOTNET_NOLOGO"] = "1";
            info.Environment.Remove("ASPNETCORE_ENVIRONMENT");
            var process = Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start");
            var gateway = new GatewayProcess(process, address, root);
            if (await gateway.WaitHealthyAsync(TimeSpan.FromSeconds(60)))
            {
                return gateway;
            }

            var output = gateway.Output;
            await gateway.KillAsync();
            if (attempt >= 3 || !output.Contains("already in use", StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException($"the gateway did not become healthy on {address}:\n{output}");
            }
        }
    }

    /// <summary>
    /// Runs the gateway (the build's dll under <c>dotnet</c>, or <paramref name="executable"/>)
    /// in <paramref name="workingDirectory"/> with these environment variables until it exits on
    /// its own, as a start-up that must fail does; killed after <paramref name="limit"/> (60 s).
    /// </summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunToExitAsync(
        IDictionary<string, string?> environment, string workingDirectory, string? executable = null, TimeSpan? limit = null)
    {
        ArgumentNullException.ThrowIfNull(environment);
        executable ??= DefaultDll;
        var isDll = executable.EndsWith(".dll", StringComparison.OrdinalIgnoreCase);
        var info = new ProcessStartInfo(isDll ? "dotnet" : executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        if (isDll)
        {
            info.ArgumentList.Add(executable);
        }

        foreach (var (key, value) in environment)
        {
            info.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{info.FileName} did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(limit ?? TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"the gateway did not exit within {limit ?? TimeSpan.FromSeconds(60)}:\n{await stdout}\n{await stderr}");
        }

        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Stops the process as an operator would (SIGTERM), killing it if it does not exit within 30 s.</summary>
    public async Task StopAsync()
    {
        if (_process.HasExited)
        {
            return;
        }

        using (var term = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-TERM", Pid.ToString(CultureInfo.InvariantCulture) }, UseShellExecute = false }))
        {
            await term!.WaitForExitAsync();
        }

        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await _process.WaitForExitAsync(wait.Token);
        }
        catch (OperationCanceledException)
        {
            await KillAsync();
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _process.Dispose();
    }

    private async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
    }

    private async Task<bool> WaitHealthyAsync(TimeSpan limit)
    {
        using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + limit;
        while (DateTime.UtcNow < deadline && !_process.HasExited)
        {
            try
            {
                using var response = await client.GetAsync(new Uri("/healthz", UriKind.Relative));
                if (response.IsSuccessStatusCode)
                {
                    return true;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Not answering yet.
            }

            await Task.Delay(100);
        }

        return false;
    }

    private long ReadStatus(string field)
    {
        foreach (var line in File.ReadLines($"/proc/{Pid.ToString(CultureInfo.InvariantCulture)}/status"))
        {
            if (line.StartsWith(field, StringComparison.Ordinal))
            {
                var kib = line[field.Length..].Trim().Split(' ')[0];
                return long.Parse(kib, CultureInfo.InvariantCulture) * 1024;
            }
        }

        throw new InvalidOperationException($"{field} not found in /proc/{Pid}/status");
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            if (_output.Length < MaxOutputChars)
            {
                _output.AppendLine(line);
            }
        }
    }
}
