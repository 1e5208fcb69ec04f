namespace Glance.Gateway.Commands;

/// <summary>The commands' exit codes.</summary>
internal static class CommandExit
{
    /// <summary>All is well.</summary>
    public const int Ok = 0;

    /// <summary>A check or a test found a problem or a difference.</summary>
    public const int Found = 1;

    /// <summary>A usage error, or a file that cannot be read or used.</summary>
    public const int Usage = 2;
}
