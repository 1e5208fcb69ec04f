using Microsoft.Extensions.Options;

namespace Glance.Gateway.Hosting;

/// <summary>The image store run in this process (section <c>ImageStore</c>).</summary>
public sealed class HostedImageStoreOptions
{
    /// <summary>The configuration section, shared with the store's own options.</summary>
    public const string SectionName = "ImageStore";

    /// <summary>Run the store alongside the gateway. Default true; false lets the cluster point at any Glance v2 API.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Where the hosted store listens. Default http://127.0.0.1:9191; port 0 picks a free one.</summary>
    public string Url { get; set; } = "http://127.0.0.1:9191";

    /// <summary>The store's data folder, relative to the content root. Default ./data.</summary>
    public string DataPath { get; set; } = "./data";

    /// <summary>The YARP cluster whose destinations are pointed at the hosted store. Default image-store.</summary>
    public string ClusterId { get; set; } = "image-store";
}

/// <summary>Start-up validation of <see cref="HostedImageStoreOptions"/>.</summary>
public sealed class HostedImageStoreOptionsValidator : IValidateOptions<HostedImageStoreOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, HostedImageStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.Enabled)
        {
            return ValidateOptionsResult.Success;
        }

        if (!Uri.TryCreate(options.Url, UriKind.Absolute, out var url) || url.Scheme != Uri.UriSchemeHttp)
        {
            return ValidateOptionsResult.Fail($"ImageStore:Url must be an absolute http URI such as http://127.0.0.1:9191 (got '{options.Url}').");
        }

        if (string.IsNullOrWhiteSpace(options.DataPath))
        {
            return ValidateOptionsResult.Fail("ImageStore:DataPath must name a folder.");
        }

        return string.IsNullOrWhiteSpace(options.ClusterId)
            ? ValidateOptionsResult.Fail("ImageStore:ClusterId must name the YARP cluster of the store.")
            : ValidateOptionsResult.Success;
    }
}
