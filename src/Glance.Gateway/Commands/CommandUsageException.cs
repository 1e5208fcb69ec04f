namespace Glance.Gateway.Commands;

/// <summary>A command given wrong arguments, or a file it cannot read or use: one line, exit 2.</summary>
internal sealed class CommandUsageException(string message, Exception? inner = null) : Exception(message, inner);
