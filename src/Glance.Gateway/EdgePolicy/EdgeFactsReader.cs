using Glance.Gateway.Hosting;
using Glance.Policy.Members;
using Glance.Policy.Operations;
using Yarp.ReverseProxy.Model;

namespace Glance.Gateway.EdgePolicy;

/// <summary>
/// The facts an operation's decision reads (<see cref="EdgeOperation.Facts"/>): the image and the
/// one member row that matters for this caller. In process from the hosted store (its own reader,
/// one indexed statement), or over the backend's Glance API with the service identity, both
/// through <see cref="ImageFactsCache"/>: at most one image read and one member read per request,
/// none for the image while its facts are cached (membership is never cached). A caller asks for
/// <c>fresh</c> facts to re-check a refusal that rested on cached ones. For the metadef
/// operations, the route's namespace instead (<see cref="ReadNamespaceAsync"/>).
/// </summary>
public sealed class EdgeFactsReader(ImageMetadataClient metadata, ImageFactsCache images, ImageStoreAddress hostedStore)
{
    /// <summary>What was read, and whether the image's facts came from the cache.</summary>
    public readonly record struct Facts(ImageFacts? Image, MembershipFacts Membership, bool FromCache);

    /// <summary>Reads the facts of <paramref name="operation"/> for <paramref name="caller"/> from <paramref name="destination"/>.</summary>
    /// <exception cref="MetadataUnavailableException">The backend cannot answer.</exception>
    /// <exception cref="Glance.ImageStore.Facts.ImageFactsUnavailableException">The hosted store's database cannot answer.</exception>
    public async Task<Facts> ReadAsync(
        HttpContext context, string destination, EdgeOperation operation, Caller caller, string imageId, string? memberId, bool fresh)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(operation);
        ArgumentNullException.ThrowIfNull(caller);
        var (isAdmin, project) = (caller.IsAdmin, caller.ProjectId);
        if (hostedStore.Facts is { } local && IsHostedStore(destination))
        {
            // What was read of the image less than the cache period ago decides when no member row
            // takes part (the store decides again itself, and a refusal is checked on a fresh
            // read); otherwise it picks the row to read with the image, so that one statement
            // usually does: the facts decided on are then the ones just read, and a wrong pick
            // costs a second read.
            var remembered = !fresh && images.TryGet(imageId, out var known) ? known : null;
            if (remembered is not null && operation.MembershipToRead(isAdmin, project, remembered.Visibility, remembered.Owner, memberId) is null)
            {
                return new(remembered, default, true);
            }

            var guess = remembered is not null
                ? operation.MembershipToRead(isAdmin, project, remembered.Visibility, remembered.Owner, memberId)
                : isAdmin ? memberId : project;
            var (image, isMember) = await local.ReadAsync(imageId, guess, context.RequestAborted);
            if (image is null)
            {
                return new(null, default, false);
            }

            images.Set(image);
            var probe = operation.MembershipToRead(isAdmin, project, image.Visibility, image.Owner, memberId);
            if (!string.Equals(probe, guess, StringComparison.Ordinal))
            {
                isMember = probe is not null && (await local.ReadAsync(imageId, probe, context.RequestAborted)).IsMember;
            }

            return new(image, EdgeOperation.Membership(probe, isMember, project, memberId), false);
        }

        if (fresh)
        {
            images.Forget(imageId);
        }

        var cached = images.TryGet(imageId, out _);
        var (facts, member, found) = await metadata.ReadAsync(
            context.GetReverseProxyFeature().Cluster.Config,
            destination,
            imageId,
            image => operation.MembershipToRead(isAdmin, project, image.Visibility, image.Owner, memberId),
            context.TraceIdentifier,
            context.RequestAborted);
        return new(facts, EdgeOperation.Membership(member, found, project, memberId), cached);
    }

    /// <summary>
    /// The metadef namespace named <paramref name="name"/> (<see cref="EdgeFactsNeeded.Namespace"/>),
    /// or null when it does not exist: in process from the hosted store, else over the backend's
    /// API. Never cached: one read per decision.
    /// </summary>
    /// <exception cref="MetadataUnavailableException">The backend cannot answer.</exception>
    /// <exception cref="Glance.ImageStore.Facts.ImageFactsUnavailableException">The hosted store's database cannot answer.</exception>
    public async Task<NamespaceFacts?> ReadNamespaceAsync(HttpContext context, string destination, string name)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(name);
        if (hostedStore.NamespaceFacts is { } local && IsHostedStore(destination))
        {
            return await local.ReadNamespaceAsync(name, context.RequestAborted);
        }

        return await metadata.ReadNamespaceAsync(
            context.GetReverseProxyFeature().Cluster.Config, destination, name, context.TraceIdentifier, context.RequestAborted);
    }

    /// <summary>True when <paramref name="destination"/> is the hosted store's bound address.</summary>
    public bool IsHostedStore(string destination) =>
        hostedStore.Current is { } bound && string.Equals(destination, bound.ToString(), StringComparison.OrdinalIgnoreCase);

    /// <summary>The destination a request's facts are read from (the first available one), or null.</summary>
    public static string? PickDestination(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var feature = context.GetReverseProxyFeature();
        IReadOnlyList<DestinationState> destinations = feature.AvailableDestinations.Count > 0 ? feature.AvailableDestinations : feature.AllDestinations;
        return destinations.Count > 0 ? destinations[0].Model.Config.Address : null;
    }
}
