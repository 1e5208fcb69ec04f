using Glance.Policy.Operations;
using Glance.Policy.Routing;

namespace Glance.Gateway.Commands;

/// <summary>
/// A request line (<c>DELETE /v2/images/ID/members/PROJECT</c>, as an access log shows it) routed
/// by Glance's router, as the edge routes it: the operation it names and the values of its path
/// (image id, member id, tag, namespace, ...) and its query.
/// </summary>
internal static class RequestLine
{
    /// <summary>The edge operation and path values of <paramref name="line"/>.</summary>
    /// <exception cref="CommandUsageException">Not <c>METHOD TARGET</c>, or a request the edge does not decide.</exception>
    public static (EdgeOperation Operation, IReadOnlyDictionary<string, string> Values, string Query) Route(string line)
    {
        var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 2)
        {
            throw new CommandUsageException($"a request line is METHOD TARGET, such as 'DELETE /v2/images/ID/members/PROJECT' (got '{line}')");
        }

        var target = RequestTarget.Parse(parts[0], parts[1], accept: null, GlanceApiVersions.Default);
        var routing = target.Kind == RequestTargetKind.Api ? GlanceRoutes.Resolve(target, parts[0]) : null;
        if (routing is not { Outcome: GlanceRouteOutcome.Operation } || EdgeOperations.Find(routing.Operation) is not { } operation)
        {
            throw new CommandUsageException($"'{line}' is no operation the edge decides (Glance's router: {routing?.Outcome.ToString() ?? target.Kind.ToString()})");
        }

        return (operation, routing.Values, target.Query);
    }
}
