using System.Diagnostics.Metrics;

namespace Glance.Policy.Telemetry;

/// <summary>
/// The one way the gateway and the store create a histogram: unit seconds, with bucket boundaries
/// made for seconds. Without advice OpenTelemetry uses its default boundaries (0, 5, 10, 25 ...
/// 10000), made for milliseconds: a Keystone call of 40 ms and one of 4 s would share the first
/// bucket. The boundaries run from 100 µs (an audit queue with room, a writer turn nobody held)
/// to 10 s (a Keystone or backend read at its timeout); slower is the <c>+Inf</c> bucket.
/// OpenTelemetry 1.10 and later take them from the instrument's advice.
/// </summary>
public static class SecondsHistogram
{
    /// <summary>The upper bounds of the buckets, in seconds: 0.0001 to 10 in 1-2.5-5 steps.</summary>
    public static IReadOnlyList<double> BucketBoundaries { get; } =
        [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private static readonly InstrumentAdvice<double> Advice = new() { HistogramBucketBoundaries = BucketBoundaries };

    /// <summary>A histogram of durations on <paramref name="meter"/>, unit <c>s</c>, with <see cref="BucketBoundaries"/>.</summary>
    public static Histogram<double> CreateSecondsHistogram(this Meter meter, string name, string description)
    {
        ArgumentNullException.ThrowIfNull(meter);
        return meter.CreateHistogram(name, unit: "s", description: description, tags: null, advice: Advice);
    }
}
