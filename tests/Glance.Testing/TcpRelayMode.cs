namespace Glance.Testing;

/// <summary>What a <see cref="TcpRelay"/> does with its connections.</summary>
public enum TcpRelayMode
{
    /// <summary>Bytes flow both ways (Redis up).</summary>
    Forward,

    /// <summary>Every connection is reset, new ones at once (Redis killed).</summary>
    Refuse,

    /// <summary>Connections are accepted and read, nothing is forwarded either way (Redis stopped with SIGSTOP).</summary>
    Stall,
}
