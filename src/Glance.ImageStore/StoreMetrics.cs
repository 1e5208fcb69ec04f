using System.Diagnostics.Metrics;
using Glance.ImageStore.Persistence;
using Glance.Policy.Telemetry;

namespace Glance.ImageStore;

/// <summary>
/// The store's instruments, on the <c>Glance.ImageStore</c> meter (Prometheus names):
/// <c>glance_store_writer_queue_wait_seconds</c>, how long a write waited for SQLite's one writer
/// turn, and <c>glance_store_wal_size_bytes</c>, the write-ahead log's file size (see
/// <see cref="WalCheckpointer"/>). The hosting gateway exports them with its own.
/// </summary>
public sealed class StoreMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "Glance.ImageStore";

    private readonly Histogram<double> _writerWait;

    internal StoreMetrics(IMeterFactory meters, StoreDatabase database)
    {
        var meter = meters.Create(MeterName);
        _writerWait = meter.CreateSecondsHistogram("glance_store_writer_queue_wait", "Time a write waited for the database's writer turn.");
        meter.CreateObservableGauge("glance_store_wal_size", database.WalFileBytes, unit: "By", description: "Size of the SQLite write-ahead log file.");
        database.WriterWaited = elapsed => _writerWait.Record(elapsed.TotalSeconds);
    }
}

/// <summary>The tag that tells the store's ASP.NET Core request metrics from those of a gateway hosting it.</summary>
internal static class MetricsComponentTag
{
    private static readonly KeyValuePair<string, object?> Tag = new("glance_component", "image-store");

    /// <summary>Adds <c>glance_component=image-store</c> to <c>http.server.request.duration</c> of every request.</summary>
    public static IApplicationBuilder UseMetricsComponentTag(this IApplicationBuilder app) =>
        app.Use(static (context, next) =>
        {
            context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMetricsTagsFeature>()?.Tags.Add(Tag);
            return next(context);
        });
}
