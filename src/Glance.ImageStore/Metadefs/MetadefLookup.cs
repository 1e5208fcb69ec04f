using System.Text.Json;
using Glance.ImageStore.Identity;
using Glance.ImageStore.Persistence;
using Glance.ImageStore.Routing;
using Glance.Policy.Errors;

namespace Glance.ImageStore.Metadefs;

/// <summary>
/// The steps every metadefs controller takes before its work, in Glance's order: the namespace of
/// the route (404 when missing or not visible), <see cref="MetadefPolicy"/> over it (the refusal),
/// then the child row (Glance's 404 with the child's own message); and the refusal to delete from a
/// protected namespace. Each method writes the answer itself and returns null (or false) when it did.
/// </summary>
internal sealed class MetadefLookup(MetadefRepository repository)
{
    /// <summary>
    /// The route's <c>{namespace}</c>, visible to the caller (missing or not visible: 404), with
    /// <paramref name="rules"/> enforced in order. Writes the answer and returns null when either fails.
    /// </summary>
    public async Task<MetadefScope?> FindAllowedAsync(HttpContext context, bool missingIsNotFound, params string[] rules)
    {
        var caller = context.GetCaller().Caller;
        var name = Resource.Id(context, "namespace");
        var ns = await repository.FindNamespaceAsync(name, context.RequestAborted);

        // The lookup, then the rules: the edge's decision.
        var refused = MetadefOperations.InNamespace(caller, name, ns?.ToFacts(), missingIsNotFound, rules);
        if (refused is not null || ns is null)
        {
            await (refused ?? Refusal.ResourceNotFound).WriteAsync(context);
            return null;
        }

        return new MetadefScope(caller, ns, MetadefPolicy.For(caller, ns.Owner, ns.Visibility));
    }

    /// <summary>
    /// The route's <c>{namespace}</c> read, then the operation's decision (<paramref name="decide"/>:
    /// the function the edge decides the same operation with) over it, the route's values and
    /// <paramref name="body"/>. Writes the refusal and returns null when refused.
    /// </summary>
    public async Task<MetadefScope?> DecideAsync(HttpContext context, Func<EdgeInput, Refusal?> decide, JsonElement? body = null)
    {
        var caller = context.GetCaller().Caller;
        var name = Resource.Id(context, "namespace");
        var ns = await repository.FindNamespaceAsync(name, context.RequestAborted);
        var input = new EdgeInput(caller, string.Empty, null) { Values = Resource.Routing(context).Values, Namespace = ns?.ToFacts(), Body = body };
        var refused = decide(input);
        if (refused is not null || ns is null)
        {
            await (refused ?? Refusal.ResourceNotFound).WriteAsync(context);
            return null;
        }

        return new MetadefScope(caller, ns, MetadefPolicy.For(caller, ns.Owner, ns.Visibility));
    }

    /// <summary>
    /// The <paramref name="kind"/> named by the route in the namespace of <paramref name="scope"/>:
    /// none is 404 with the kind's message, written, and null.
    /// </summary>
    public static async Task<T?> FindChildAsync<T>(HttpContext context, MetadefScope scope, MetadefChild<T> kind)
        where T : class
    {
        var name = Resource.Id(context, kind.RouteKey);
        var found = await kind.Rows(scope.Namespace.Id, name, context.RequestAborted);
        if (found.Count == 0)
        {
            await GlanceErrorWriter.WriteAsync(context, 404, kind.NotFound(name));
            return null;
        }

        return found[0];
    }

    /// <summary><see cref="FindAllowedAsync(HttpContext, bool, string[])"/> with a missing namespace answered as one not visible.</summary>
    public Task<MetadefScope?> FindAllowedAsync(HttpContext context, params string[] rules) =>
        FindAllowedAsync(context, missingIsNotFound: false, rules);

    /// <summary>
    /// The namespace and <paramref name="rule"/> (<see cref="FindAllowedAsync(HttpContext, bool, string[])"/>),
    /// then the <paramref name="kind"/> named by the route: none is 404 with the kind's message.
    /// Writes the answer and returns defaults when not found.
    /// </summary>
    public async Task<(MetadefNamespace? Namespace, T? Row)> FindChildAsync<T>(HttpContext context, string rule, MetadefChild<T> kind)
        where T : class
    {
        if (await FindAllowedAsync(context, kind.MissingIsNotFound, rule) is not { } scope)
        {
            return default;
        }

        return await FindChildAsync(context, scope, kind) is { } row ? (scope.Namespace, row) : default;
    }

    /// <summary>
    /// The delete of a namespace's object, property or tag: <see cref="FindChildAsync{T}(HttpContext, string, MetadefChild{T})"/>, the
    /// protected namespace's 403, then the row's delete and 204.
    /// </summary>
    public async Task DeleteChildAsync<T>(HttpContext context, string rule, MetadefChild<T> kind)
        where T : class
    {
        var (ns, row) = await FindChildAsync(context, rule, kind);
        if (ns is null || row is null)
        {
            return;
        }

        var name = kind.Name(row);
        if (await RefuseProtectedAsync(context, ns, $"{kind.Kind} {name}"))
        {
            return;
        }

        await repository.DeleteRowAsync(kind.Table, ns.Id, name, context.RequestAborted);
        await MetadefJson.NoContentAsync(context);
    }

    /// <summary>
    /// A protected namespace keeps its contents: 403 <c>Metadata definition {what} is protected and
    /// cannot be deleted.</c>, written, and true; false (nothing written) when not protected.
    /// </summary>
    public static async Task<bool> RefuseProtectedAsync(HttpContext context, MetadefNamespace ns, string what)
    {
        if (ns.Protected != true)
        {
            return false;
        }

        await GlanceErrorWriter.WriteAsync(context, 403, $"Metadata definition {what} is protected and cannot be deleted.");
        return true;
    }
}

/// <summary>A namespace found and allowed: the caller, the row and the policy over it.</summary>
internal sealed record MetadefScope(Caller Caller, MetadefNamespace Namespace, MetadefPolicy Policy);

/// <summary>A kind of namespace child (object, property, tag): how the store finds, names, refuses and deletes one.</summary>
/// <param name="Kind">Its name in the protected refusal (<c>Metadata definition {Kind} X is protected ...</c>).</param>
/// <param name="Table">Its table.</param>
/// <param name="RouteKey">The route value naming it.</param>
/// <param name="Rows">The rows of a namespace with a name.</param>
/// <param name="Name">A row's name.</param>
/// <param name="NotFound">The 404 message for a name.</param>
/// <param name="MissingIsNotFound">The namespace lookup's <c>missingIsNotFound</c>.</param>
internal sealed record MetadefChild<T>(
    string Kind,
    string Table,
    string RouteKey,
    Func<long, string, CancellationToken, Task<List<T>>> Rows,
    Func<T, string> Name,
    Func<string, string> NotFound,
    bool MissingIsNotFound = false);
