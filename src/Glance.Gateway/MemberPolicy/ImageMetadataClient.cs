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
/// Reads what the member-DELETE rules need through the backend's own Glance API, with the
/// gateway's service identity and one pooled connection set: the image (unless
/// <see cref="ImageFactsCache"/> has it), then at most one member record — the member being deleted when the caller may manage members (admin or owner), or the
/// caller's own membership when only the image's visibility to the caller is at stake. Never the
/// whole member list, whose size grows with the image's sharing. Only the few fields used are bound.
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
    /// The image's facts for <paramref name="caller"/> deleting <paramref name="memberId"/>, or
    /// null when the image does not exist for the backend (missing, deleted, or not exactly this
    /// id). The member set holds the one id the rules will ask about, when it is a member.
    /// Throws <see cref="MetadataUnavailableException"/> when the backend cannot answer.
    /// </summary>
    public async Task<ImageFacts?> ReadAsync(string destination, string imageId, Caller caller, string memberId, string requestId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(imageId);
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(memberId);
        var root = destination.TrimEnd('/') + "/v2/images/" + Uri.EscapeDataString(imageId);
        try
        {
            if (!_images.TryGet(imageId, out var visibility, out var owner))
            {
                var (imageStatus, image) = await GetAsync(new Uri(root), requestId, ImageMetadataJsonContext.Default.ImageDocument, cancellationToken);
                if (imageStatus == HttpStatusCode.NotFound || image is null
                    || !string.Equals(image.Id, imageId, StringComparison.Ordinal) || image.Status == "deleted")
                {
                    return null;
                }

                owner = string.IsNullOrEmpty(image.Owner) ? null : image.Owner;
                visibility = image.Visibility ?? string.Empty;
                _images.Set(imageId, visibility, owner);
            }

            var members = new HashSet<string>(StringComparer.Ordinal);
            var probe = MembershipToRead(caller, visibility, owner, memberId);
            if (probe is not null)
            {
                var (memberStatus, _) = await GetAsync(
                    new Uri(root + "/members/" + Uri.EscapeDataString(probe)), requestId, ImageMetadataJsonContext.Default.MemberDocument, cancellationToken);
                if (memberStatus == HttpStatusCode.OK)
                {
                    members.Add(probe);
                }
            }

            return new ImageFacts(imageId, visibility, owner, members);
        }
        catch (Exception ex) when (ex is not MetadataUnavailableException && IsUnreachable(ex, cancellationToken))
        {
            throw new MetadataUnavailableException(ex.Message, ex);
        }
    }

    /// <summary>
    /// The one membership <see cref="MemberDeletePolicy.Decide"/> will look up for this image and
    /// caller, or null when the image alone decides: not shared (rule 6, or 5 for a private image),
    /// no owner or a project-less caller (rule 7 or 5). Admin and owner: the member being deleted
    /// (rule 8); anyone else: the caller's own project (rule 5 or 7).
    /// </summary>
    public static string? MembershipToRead(Caller caller, string visibility, string? owner, string memberId)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (visibility != ImageVisibility.Shared)
        {
            return null;
        }

        if (caller.IsAdmin || (owner is not null && string.Equals(caller.ProjectId, owner, StringComparison.Ordinal)))
        {
            return memberId;
        }

        return owner is null ? null : caller.ProjectId;
    }

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
