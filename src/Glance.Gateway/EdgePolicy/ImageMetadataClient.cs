using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Glance.Gateway.HeaderHygiene;
using Glance.Gateway.Keystone;
using Glance.Gateway.Telemetry;
using Glance.Policy.Identity;
using Glance.Policy.Members;
using Glance.Policy.RequestIds;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Configuration;

namespace Glance.Gateway.EdgePolicy;

/// <summary>
/// Reads what the member-DELETE path needs through the backend's own Glance API (a real Glance,
/// or a store in its own process), with the gateway's service identity: the image (unless
/// <see cref="ImageFactsCache"/> has it), then at most one member record
/// (<see cref="MemberDeletePolicy.MembershipToRead"/>). Never the whole member list, whose size
/// grows with the image's sharing. The requests go through the cluster's own HTTP settings
/// (<see cref="BackendHttpClients"/>), the service token (Token mode) through
/// <see cref="ServiceTokenHandler"/>; each read is bounded by <c>Backend:MetadataTimeoutSeconds</c>
/// (the cluster's ActivityTimeout is an idle timeout for long transfers, too long to hold a DELETE).
/// </summary>
public sealed partial class ImageMetadataClient(
    IOptions<BackendOptions> options, BackendHttpClients clients, ImageFactsCache images, GatewayMetrics metrics)
{
    private readonly BackendOptions _options = options.Value;
    private readonly TimeSpan _timeout = TimeSpan.FromSeconds(options.Value.MetadataTimeoutSeconds);

    /// <summary>
    /// The image's facts, or null when the image does not exist for the backend (missing, deleted,
    /// or not exactly this id), and whether the project <paramref name="chooseMember"/> picks from
    /// the facts (none when it returns null) is in its member list. Throws
    /// <see cref="MetadataUnavailableException"/> when the backend cannot answer.
    /// </summary>
    public async Task<(ImageFacts? Image, string? Member, bool IsMember)> ReadAsync(
        ClusterConfig cluster, string destination, string imageId, Func<ImageFacts, string?> chooseMember, string requestId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(imageId);
        ArgumentNullException.ThrowIfNull(chooseMember);
        var http = clients.Metadata(cluster);
        var root = destination.TrimEnd('/') + "/v2/images/" + Uri.EscapeDataString(imageId);
        try
        {
            if (!images.TryGet(imageId, out var facts))
            {
                var (imageStatus, image) = await GetAsync(http, new Uri(root), requestId, ImageMetadataJsonContext.Default.ImageDocument, cancellationToken);
                if (imageStatus == HttpStatusCode.NotFound || image is null || ImageVisibility.IsLookupMiss(imageId, image.Id, image.Status))
                {
                    return (null, null, false);
                }

                facts = ToFacts(image);
                images.Set(facts);
            }

            var member = chooseMember(facts);
            if (member is null)
            {
                return (facts, null, false);
            }

            var (memberStatus, _) = await GetAsync(
                http, new Uri(root + "/members/" + Uri.EscapeDataString(member)), requestId, ImageMetadataJsonContext.Default.MemberDocument, cancellationToken);
            return (facts, member, memberStatus == HttpStatusCode.OK);
        }
        catch (Exception ex) when (ex is not MetadataUnavailableException && IsUnreachable(ex, cancellationToken))
        {
            throw new MetadataUnavailableException(ex.Message, ex);
        }
    }

    /// <summary>
    /// The metadef namespace's facts (<c>GET /v2/metadefs/namespaces/{name}</c> with the service
    /// identity, which sees every namespace), or null when the backend answers 404. Throws
    /// <see cref="MetadataUnavailableException"/> when the backend cannot answer.
    /// </summary>
    public async Task<Glance.Policy.Operations.NamespaceFacts?> ReadNamespaceAsync(
        ClusterConfig cluster, string destination, string name, string requestId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(name);
        var http = clients.Metadata(cluster);
        var uri = new Uri(destination.TrimEnd('/') + "/v2/metadefs/namespaces/" + Uri.EscapeDataString(name));
        try
        {
            var (status, document) = await GetAsync(http, uri, requestId, ImageMetadataJsonContext.Default.NamespaceDocument, cancellationToken);
            return status == HttpStatusCode.NotFound || document is null
                ? null
                : new Glance.Policy.Operations.NamespaceFacts(document.Namespace ?? name, string.IsNullOrEmpty(document.Owner) ? null : document.Owner, document.Visibility, document.Protected);
        }
        catch (Exception ex) when (ex is not MetadataUnavailableException && IsUnreachable(ex, cancellationToken))
        {
            throw new MetadataUnavailableException(ex.Message, ex);
        }
    }

    /// <summary>
    /// Glance's image document: the base attributes, and the custom properties (strings) at the
    /// top level beside them. The operators' commands read an image file through here too.
    /// </summary>
    internal static ImageFacts ToFacts(ImageDocument image)
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
            Properties = properties ?? NoProperties, // the document lists every property: none is a fact, not an unknown
        };
    }

    private static readonly IReadOnlyDictionary<string, string> NoProperties = new Dictionary<string, string>(StringComparer.Ordinal);

    private static readonly HashSet<string> NotProperties = new(StringComparer.Ordinal)
    {
        "created_at", "updated_at", "self", "file", "schema", "direct_url", "tags", "locations", "stores",
    };

    // 200 → the document; 404 → none; anything else means the backend cannot be trusted to have
    // answered (a 401 the service-token handler could not cure included).
    private async Task<(HttpStatusCode Status, T? Document)> GetAsync<T>(
        HttpMessageInvoker http, Uri uri, string requestId, JsonTypeInfo<T> type, CancellationToken cancellationToken)
        where T : class
    {
        var started = Stopwatch.GetTimestamp();
        var outcome = "unreachable";
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_timeout);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, uri);
            request.Headers.TryAddWithoutValidation("Accept", "application/json");
            request.Headers.TryAddWithoutValidation(RequestId.HeaderName, requestId);
            AddServiceIdentity(request);
            using var response = await http.SendAsync(request, timeout.Token);
            outcome = ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture);
            switch (response.StatusCode)
            {
                case HttpStatusCode.OK:
                    var stream = await response.Content.ReadAsStreamAsync(timeout.Token);
                    return (response.StatusCode, await JsonSerializer.DeserializeAsync(stream, type, timeout.Token));
                case HttpStatusCode.NotFound:
                    return (response.StatusCode, null);
                default:
                    throw new MetadataUnavailableException($"the backend answered {(int)response.StatusCode} to a metadata read");
            }
        }
        catch (Exception ex) when (ex is not MetadataUnavailableException)
        {
            outcome = ex switch
            {
                ServiceTokenUnavailableException => "no_service_token",
                OperationCanceledException when !cancellationToken.IsCancellationRequested => "timeout",
                OperationCanceledException => "cancelled",
                JsonException => "malformed",
                _ => "unreachable",
            };
            throw;
        }
        finally
        {
            metrics.RecordMetadataRequest(Stopwatch.GetElapsedTime(started).TotalSeconds, outcome);
        }
    }

    // Token mode: the service token comes from ServiceTokenHandler in the invoker's chain.
    private void AddServiceIdentity(HttpRequestMessage request)
    {
        if (_options.Identity == BackendIdentity.Token)
        {
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
