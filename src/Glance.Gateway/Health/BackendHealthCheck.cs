using System.Globalization;
using Glance.Gateway.Hosting;
using Glance.Gateway.EdgePolicy;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy;

namespace Glance.Gateway.Health;

/// <summary>
/// The backend the gateway forwards to (the destinations of the <c>ImageStore:ClusterId</c>
/// cluster: the hosted store, or a real Glance) answers its version document, asked through the
/// cluster's own HTTP settings (<see cref="BackendHttpClients.Plain"/>: TLS settings included, no
/// service token, so that Keystone's state does not decide it). None answering is Unhealthy (the
/// replica cannot serve); some is Degraded.
/// </summary>
public sealed class BackendHealthCheck(IOptions<HostedImageStoreOptions> store, IProxyStateLookup proxy, BackendHttpClients clients) : IHealthCheck
{
    private static readonly TimeSpan PerDestination = TimeSpan.FromSeconds(2);

    /// <inheritdoc />
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var clusterId = store.Value.ClusterId;
        if (!proxy.TryGetCluster(clusterId, out var cluster) || cluster.Model is not { } model || cluster.Destinations.IsEmpty)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, $"no destination in cluster {clusterId}");
        }

        var http = clients.Plain(model.Config);
        var destinations = cluster.Destinations.Values.Select(d => d.Model.Config.Address).ToList();
        var answers = await Task.WhenAll(destinations.Select(address => AnswersAsync(http, address, cancellationToken)));
        var up = answers.Count(answered => answered);
        var counted = string.Create(CultureInfo.InvariantCulture, $"{up} of {destinations.Count} destinations of cluster {clusterId} answer");
        return up == destinations.Count ? HealthCheckResult.Healthy(counted)
            : up == 0 ? new HealthCheckResult(context.Registration.FailureStatus, counted)
            : HealthCheckResult.Degraded(counted);
    }

    private static async Task<bool> AnswersAsync(HttpMessageInvoker http, string address, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(PerDestination);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(address.TrimEnd('/') + "/versions"));
            using var response = await http.SendAsync(request, timeout.Token);
            return (int)response.StatusCode < 500;
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return false;
        }
    }
}
