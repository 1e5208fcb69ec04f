namespace Glance.Gateway.Resilience.Tests.Load;

/// <summary>The long runs whose memory figures matter: one at a time, after the other tests of this assembly.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LongRuns
{
    /// <summary>The collection's name.</summary>
    public const string Name = "load";
}
