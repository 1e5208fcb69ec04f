using Glance.Gateway.EdgePolicy;
using Glance.Policy.Operations;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Glance.Gateway.Tests.EdgePolicy;

/// <summary>
/// The operations' modes follow a configuration reload; an edit the validator refuses (an unknown
/// operation) leaves the last good modes deciding.
/// </summary>
public sealed class EdgePolicyModesTests
{
    [Fact]
    public void Reload_ValidEdit_IsInForce_RefusedEditKeepsTheLastGoodModes()
    {
        var monitor = new ReloadingMonitor(new EdgePolicyOptions());
        using var modes = new EdgePolicyModes(monitor, NullLogger<EdgePolicyModes>.Instance);
        var getImage = EdgeOperations.Named("get_image")!;
        Assert.Equal(EdgeMode.Enforce, modes.ModeOf(getImage));

        monitor.Reload(new EdgePolicyOptions { Operations = { ["get_image"] = EdgeMode.Shadow } });
        Assert.Equal(EdgeMode.Shadow, modes.ModeOf(getImage));

        monitor.Reload(new EdgePolicyOptions { Operations = { ["get_imag"] = EdgeMode.Off } });
        Assert.Equal(EdgeMode.Shadow, modes.ModeOf(getImage));
    }

    // IOptionsMonitor as the options system behaves: a reload notifies, and reading a value the
    // validator refuses throws.
    private sealed class ReloadingMonitor(EdgePolicyOptions initial) : IOptionsMonitor<EdgePolicyOptions>
    {
        private readonly List<Action<EdgePolicyOptions, string?>> _listeners = [];
        private EdgePolicyOptions _value = initial;

        public EdgePolicyOptions CurrentValue
        {
            get
            {
                var result = new EdgePolicyOptionsValidator().Validate(null, _value);
                return result.Failed ? throw new OptionsValidationException(Options.DefaultName, typeof(EdgePolicyOptions), [result.FailureMessage]) : _value;
            }
        }

        public EdgePolicyOptions Get(string? name) => CurrentValue;

        public IDisposable? OnChange(Action<EdgePolicyOptions, string?> listener)
        {
            _listeners.Add(listener);
            return null;
        }

        public void Reload(EdgePolicyOptions value)
        {
            _value = value;
            _listeners.ForEach(listener => listener(value, Options.DefaultName));
        }
    }
}
