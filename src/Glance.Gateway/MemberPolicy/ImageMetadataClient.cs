using System.Net;
using System.Text.Json;
using Glance.Gateway.HeaderHygiene;
using Glance.Gateway.Keystone;
using Glance.Policy.Identity;
using Glance.Policy.Members;
using Glance.Policy.RequestIds;
using Microsoft.Extensions.Options;

namespace Glance.Gateway.MemberPolicy;

/// <summary>
/// Reads what the member-DELETE path needs through the backend's own Glance API (a real Glance,
/// or a store in its own process), with the gateway's service identity and one pooled connection
/// set: the image (unless <see cref="ImageFactsCache"/> has it), then at most one member record
/// (<see cref="MemberDeletePolicy.MembershipToRead"/>). Never the whole member list, whose size
/// grows with the image's sharing.
/// </summary>
public sealed partial class ImageMetadataClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly BackendOptions _options;
    private readonly KeystoneClient _keystone;
    private readonly ImageFactsCache _images;

    /// <summary>Creates the client with its own pooled handler (no per-request logging).</summary>
    public ImageMetadataClient(IOptions<BackendOptions> options, KeystoneClient keystone, ImageFactsCache images)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _keystone = keystone;
        _images = images;
        _http = new HttpClient(new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            UseCookies = false,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
        })
        {
            Timeout = TimeSpan.FromSeconds(_options.MetadataTimeoutSeconds),
        };
    }

    /// <summary>
    /// The image's facts, or null when the image does not exist for the backend (missing, deleted,
    /// or not exactly this id), and whether the project <paramref name="chooseMember"/> picks from
    /// the facts (none when it returns null) is in its member list. Throws
    /// <see cref="MetadataUnavailableException"/> when the backend cannot answer.
    /// </summary>
    public async Task<(ImageFacts? Image, string? Member, bool IsMember)> ReadAsync(
        string destination, string imageId, Func<ImageFacts, string?> chooseMember, string requestId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(imageId);
        ArgumentNullException.ThrowIfNull(chooseMember);
        var root = destination.TrimEnd('/') + "/v2/images/" + Uri.EscapeDataString(imageId);
        try
        {
            if (!_images.TryGet(imageId, out var facts))
            {
                var (imageStatus, image) = await GetAsync(new Uri(root), requestId, ImageMetadataJsonContext.Default.ImageDocument, cancellationToken);
                if (imageStatus == HttpStatusCode.NotFound || image is null || ImageVisibility.IsLookupMiss(imageId, image.Id, image.Status))
                {
                    return (null, null, false);
                }

                facts = ToFacts(image);
                _images.Set(facts);
            }

            var member = chooseMember(facts);
            if (member is null)
            {
                return (facts, null, false);
            }

            var (memberStatus, _) = await GetAsync(
                new Uri(root + "/members/" + Uri.EscapeDataString(member)), requestId, ImageMetadataJsonContext.Default.MemberDocument, cancellationToken);
            return (facts, member, memberStatus == HttpStatusCode.OK);
        }
        catch (Exception ex) when (ex is not MetadataUnavailableException && IsUnreachable(ex, cancellationToken))
        {
            throw new MetadataUnavailableException(ex.Message, ex);
        }
    }

    // Glance's image document: the base attributes, and the custom properties (strings) at the
    // top level beside them.
    private static ImageFacts ToFacts(ImageDocument image)
    {
        Dictionary<string, string>? properties = null;
        foreach (var (name, value) in image.Extra ?? [])
        {
            if (value.ValueKind == JsonValueKind.String && !NotProperties.Contains(name))
            {
                (properties ??= new(StringComparer.Ordinal))[name] = value.GetString()!;
            }
        }

        return new ImageFacts(image.Id!, image.Visibility ?? string.Empty, string.IsNullOrEmpty(image.Owner) ? null : image.Owner)
        {
            Status = image.Status ?? string.Empty,
            Name = image.Name,
            Protected = image.Protected,
            OsHidden = image.OsHidden,
            MinDisk = image.MinDisk ?? 0,
            MinRam = image.MinRam ?? 0,
            DiskFormat = image.DiskFormat,
            ContainerFormat = image.ContainerFormat,
            Size = image.Size,
            VirtualSize = image.VirtualSize,
            Checksum = image.Checksum,
            OsHashAlgo = image.OsHashAlgo,
            OsHashValue = image.OsHashValue,
            Properties = properties,
        };
    }

    private static readonly HashSet<string> NotProperties = new(StringComparer.Ordinal)
    {
        "created_at", "updated_at", "self", "file", "schema", "direct_url", "tags", "locations", "stores",
    };

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();

    // 200 → the document; 404 → none; anything else means the backend cannot be trusted to have answered.
    private async Task<(HttpStatusCode Status, T? Document)> GetAsync<T>(
        Uri uri, string requestId, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, CancellationToken cancellationToken)
        where T : class
    {
        for (var attempt = 0; ; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, uri);
            request.Headers.TryAddWithoutValidation("Accept", "application/json");
            request.Headers.TryAddWithoutValidation(RequestId.HeaderName, requestId);
            await AddServiceIdentityAsync(request, renew: attempt > 0, cancellationToken);
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            switch (response.StatusCode)
            {
                case HttpStatusCode.OK:
                    var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
                    return (response.StatusCode, await JsonSerializer.DeserializeAsync(stream, type, cancellationToken));
                case HttpStatusCode.NotFound:
                    return (response.StatusCode, null);
                case HttpStatusCode.Unauthorized when attempt == 0 && _options.Identity == BackendIdentity.Token:
                    continue;
                default:
                    throw new MetadataUnavailableException($"the backend answered {(int)response.StatusCode} to a metadata read");
            }
        }
    }

    private async ValueTask AddServiceIdentityAsync(HttpRequestMessage request, bool renew, CancellationToken cancellationToken)
    {
        if (_options.Identity == BackendIdentity.Token)
        {
            var token = await _keystone.GetServiceTokenAsync(renew, cancellationToken)
                ?? throw new MetadataUnavailableException("no service token from Keystone");
            request.Headers.TryAddWithoutValidation(KeystoneAuthenticationMiddleware.TokenHeader, token);
            return;
        }

        request.Headers.TryAddWithoutValidation(IdentityHeaders.IdentityStatus, IdentityHeaders.Confirmed);
        request.Headers.TryAddWithoutValidation(IdentityHeaders.UserId, _options.ServiceUserId);
        request.Headers.TryAddWithoutValidation(IdentityHeaders.ProjectId, _options.ServiceProjectId);
        request.Headers.TryAddWithoutValidation(IdentityHeaders.Roles, "admin");
    }

    private static bool IsUnreachable(Exception exception, CancellationToken cancellationToken) => exception switch
    {
        HttpRequestException or JsonException or IOException => true,
        OperationCanceledException => !cancellationToken.IsCancellationRequested,
        _ => false,
    };
}

/// <summary>The backend could not answer a metadata read (down, timing out, or an unexpected status).</summary>
public sealed class MetadataUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public MetadataUnavailableException()
    {
    }

    /// <summary>Creates the exception with a reason.</summary>
    public MetadataUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a reason and cause.</summary>
    public MetadataUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
