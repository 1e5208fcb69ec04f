using Glance.Policy.Operations;
using Microsoft.Extensions.Options;

namespace Glance.Gateway.EdgePolicy;

/// <summary>
/// The operations' modes in force: <see cref="EdgePolicyOptions"/> as last read, reloaded with the
/// configuration. An edit that names an unknown operation or mode is refused with one log line and
/// the last good modes stay (a start-up with one stops the gateway: the options are validated on start).
/// </summary>
public sealed partial class EdgePolicyModes : IDisposable
{
    private readonly IDisposable? _subscription;
    private volatile EdgePolicyOptions _current;

    /// <summary>Reads the modes and follows their reloads.</summary>
    public EdgePolicyModes(IOptionsMonitor<EdgePolicyOptions> options, ILogger<EdgePolicyModes> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _current = options.CurrentValue;
        _subscription = options.OnChange(_ =>
        {
            try
            {
                var current = options.CurrentValue;
                _current = current;
                var modes = Describe(current);
                Log.Reloaded(logger, modes);
            }
            catch (Exception ex) when (ex is OptionsValidationException or InvalidOperationException)
            {
                Log.Refused(logger, ex.Message);
            }
        });
    }

    /// <summary>The modes in force (replaced, never changed, on reload).</summary>
    public EdgePolicyOptions Options => _current;

    /// <summary>The mode of <paramref name="operation"/> now.</summary>
    public EdgeMode ModeOf(EdgeOperation operation) => _current.ModeOf(operation);

    /// <inheritdoc />
    public void Dispose() => _subscription?.Dispose();

    private static string Describe(EdgePolicyOptions options) =>
        options.Operations.Count == 0 ? "every operation in its default mode" : string.Join(", ", options.Operations.Select(p => $"{p.Key}={p.Value}"));

    private static partial class Log
    {
        [LoggerMessage(EventId = 4003, Level = LogLevel.Information, Message = "Edge policy modes reloaded: {Modes}")]
        public static partial void Reloaded(ILogger logger, string modes);

        [LoggerMessage(EventId = 4004, Level = LogLevel.Error, Message = "Edge policy modes edit refused, the last good modes stay: {Reason}")]
        public static partial void Refused(ILogger logger, string reason);
    }
}
