using Microsoft.Extensions.Options;

namespace Glance.Gateway.Hosting;

/// <summary>Settings of the gateway host itself (section <c>Gateway</c>).</summary>
public sealed class GatewayOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Gateway";

    /// <summary>
    /// The folder holding <c>reverse-proxy.json</c>, <c>dev-tokens.json</c> and <c>serilog.json</c>.
    /// Default: <c>config/</c> under the content root, else <c>../../config</c> (running from
    /// <c>src/Glance.Gateway</c>), else the copy beside the binaries.
    /// </summary>
    public string? ConfigPath { get; set; }

    /// <summary>
    /// The largest request body the gateway accepts, in bytes; larger ones are cut off. Default:
    /// no limit, since bodies are streamed to the backend and the backend caps them (an image
    /// upload is as large as the image).
    /// </summary>
    public long? MaxRequestBodyBytes { get; set; }

    /// <summary>
    /// Seconds from SIGTERM (or any stop) to the forced end: the drain delay, then the in-flight
    /// requests, then the hosted store. The host's <c>HostOptions.ShutdownTimeout</c>; requests
    /// still running when it ends are cut. Default 10.
    /// </summary>
    public double ShutdownSeconds { get; set; } = 10;

    /// <summary>
    /// Seconds the gateway keeps accepting new requests after a stop was asked for, with
    /// <c>/readyz</c> already answering 503, so that load balancers take it out of rotation before
    /// its listener closes. Part of <see cref="ShutdownSeconds"/>, and less than it. Default 3.
    /// </summary>
    public double DrainDelaySeconds { get; set; } = 3;

    /// <summary>The address the gateway listens on when neither ASPNETCORE_URLS nor Kestrel endpoints say. Default http://127.0.0.1:9292.</summary>
    public const string DefaultUrl = "http://127.0.0.1:9292";
}

/// <summary>Start-up validation of <see cref="GatewayOptions"/>' shutdown settings.</summary>
public sealed class GatewayOptionsValidator : IValidateOptions<GatewayOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, GatewayOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.ShutdownSeconds is < 1 or > 3600 || double.IsNaN(options.ShutdownSeconds))
        {
            return ValidateOptionsResult.Fail($"Gateway:ShutdownSeconds must be between 1 and 3600 (got {options.ShutdownSeconds}).");
        }

        return options.DrainDelaySeconds < 0 || options.DrainDelaySeconds >= options.ShutdownSeconds || double.IsNaN(options.DrainDelaySeconds)
            ? ValidateOptionsResult.Fail($"Gateway:DrainDelaySeconds must be at least 0 and less than Gateway:ShutdownSeconds ({options.ShutdownSeconds}) (got {options.DrainDelaySeconds}).")
            : ValidateOptionsResult.Success;
    }
}
