namespace Glance.Gateway.Tests.Telemetry;

/// <summary>
/// Metrics and activity listeners are process-wide: every gateway of the test process publishes
/// a meter named Glance.Gateway, and one gateway's pipeline sees the others'. The telemetry tests,
/// which count exactly, run alone.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RunsAlone
{
    /// <summary>The collection's name.</summary>
    public const string Name = "Telemetry (alone)";
}
