namespace Glance.Policy.Routing;

/// <summary>What Glance's pipeline does with a request target before any API route is matched.</summary>
public enum RequestTargetKind
{
    /// <summary>A request for the API: <see cref="RequestTarget.Path"/> is the path the router sees.</summary>
    Api,

    /// <summary><c>OPTIONS</c> on any path: the CORS layer answers 200, empty.</summary>
    Options,

    /// <summary><c>/versions</c>: the versions document, 200.</summary>
    Versions,

    /// <summary>No version, or one the server does not accept: the versions document, 300.</summary>
    VersionChoices,
}
