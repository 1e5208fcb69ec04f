using Microsoft.Extensions.Options;

namespace Glance.Gateway.Hosting;

/// <summary>Tells configuration errors (one clear line, exit 2) from the unexpected at start-up.</summary>
public static class StartupFailure
{
    /// <summary>True for an invalid setting or operator file.</summary>
    public static bool IsConfigurationError(Exception exception) => Find(exception) is not null;

    /// <summary>The one line that explains it.</summary>
    public static string Describe(Exception exception)
    {
        var found = Find(exception) ?? exception;
        return found switch
        {
            OptionsValidationException options => string.Join(" ", options.Failures),
            _ when found.InnerException is AggregateException aggregate =>
                found.Message + " " + string.Join(" ", aggregate.InnerExceptions.Select(e => e.Message)),
            _ when found.InnerException is not null => found.Message + " " + found.InnerException.Message,
            _ => found.Message,
        };
    }

    private static Exception? Find(Exception? exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is OptionsValidationException or GatewayConfigurationException or InvalidDataException)
            {
                return current;
            }

            // The binder cannot convert a value (an unknown enum name, a word for a number).
            if (current is InvalidOperationException && current.Message.StartsWith("Failed to convert configuration value", StringComparison.Ordinal))
            {
                return current;
            }

            // YARP refuses an invalid initial route file this way.
            if (current is InvalidOperationException && current.Message.Contains("proxy configuration", StringComparison.Ordinal))
            {
                return current;
            }
        }

        return null;
    }
}
