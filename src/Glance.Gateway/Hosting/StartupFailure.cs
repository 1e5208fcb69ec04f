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
        var line = found switch
        {
            OptionsValidationException options => string.Join(" ", options.Failures),
            _ when found.InnerException is AggregateException aggregate =>
                found.Message + " " + string.Join(" ", aggregate.InnerExceptions.Select(e => e.Message)),
            _ => found.Message,
        };
        return line.ReplaceLineEndings(" ");
    }

    // The most precise cause wins: a failed option or operator file anywhere in the chain (YARP
    // wraps what its config filters throw), else YARP's own refusal of the initial routes.
    private static Exception? Find(Exception exception)
    {
        var all = Flatten(exception).ToList();
        return all.FirstOrDefault(e => e is OptionsValidationException or GatewayConfigurationException or InvalidDataException
                   || (e is InvalidOperationException && e.Message.StartsWith("Failed to convert configuration value", StringComparison.Ordinal))
                   || (e is IOException && e.Message.StartsWith("Failed to bind to address", StringComparison.Ordinal)))
            ?? all.FirstOrDefault(e => e is InvalidOperationException && e.Message.Contains("proxy configuration", StringComparison.Ordinal));
    }

    private static IEnumerable<Exception> Flatten(Exception? exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            yield return current;
            if (current is AggregateException aggregate)
            {
                foreach (var inner in aggregate.InnerExceptions.SelectMany(Flatten))
                {
                    yield return inner;
                }
            }
        }
    }
}
