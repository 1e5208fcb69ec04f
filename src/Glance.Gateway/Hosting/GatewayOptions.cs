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

    /// <summary>The address the gateway listens on when neither ASPNETCORE_URLS nor Kestrel endpoints say. Default http://127.0.0.1:9292.</summary>
    public const string DefaultUrl = "http://127.0.0.1:9292";
}
