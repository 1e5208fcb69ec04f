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
/// gateway's service identity: the image (404 → missing) and its member list, in parallel, over
/// one pooled connection set; only the few fields used are bound.
/// </summary>
public sealed partial class ImageMetadataClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly BackendOptions _options;
    private readonly KeystoneClient _keystone;

    /// <summary>Creates the client with its own pooled handler (no per-request logging).</summary>
    public ImageMetadataClient(IOptions<BackendOptions> options, KeystoneClient keystone)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _keystone = keystone;
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
    /// The image's facts, or null when it does not exist for the backend (missing, deleted, or
    /// not exactly this id). Throws <see cref="MetadataUnavailableException"/> when the backend
    /// cannot answer.
    /// </summary>
    public async Task<ImageFacts?> ReadAsync(string destination, string imageId, string requestId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(imageId);
        var root = destination.TrimEnd('/') + "/v2/images/" + Uri.EscapeDataString(imageId);
        var imageTask = GetAsync(new Uri(root), requestId, ImageMetadataJsonContext.Default.ImageDocument, cancellationToken);
        var membersTask = GetAsync(new Uri(root + "/members"), requestId, ImageMetadataJsonContext.Default.MemberListDocument, cancellationToken);
        try
        {
            await Task.WhenAll(imageTask, membersTask);
        }
        catch (Exception ex) when (ex is not MetadataUnavailableException && IsUnreachable(ex, cancellationToken))
        {
            throw new MetadataUnavailableException(ex.Message, ex);
        }

        var (imageStatus, image) = imageTask.Result;
        if (imageStatus == HttpStatusCode.NotFound || image is null)
        {
            return null;
        }

        if (!string.Equals(image.Id, imageId, StringComparison.Ordinal) || image.Status == "deleted")
        {
            return null;
        }

        var (_, memberList) = membersTask.Result;
        var members = new HashSet<string>(StringComparer.Ordinal);
        foreach (var member in memberList?.Members ?? [])
        {
            if (member.MemberId is { } id)
            {
                members.Add(id);
            }
        }

        return new ImageFacts(imageId, image.Visibility ?? string.Empty, string.IsNullOrEmpty(image.Owner) ? null : image.Owner, members);
    }

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();

    // 200 → the document; 404 → none; a member list the backend refuses (403: the image is not
    // shared) → none; anything else means the backend cannot be trusted to have answered.
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
                case HttpStatusCode.Forbidden when typeof(T) == typeof(MemberListDocument):
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
