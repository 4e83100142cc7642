namespace EdgeAgent.Hosting;

using System.Net;
using EdgeAgent.Alerting.Outbox;
using EdgeAgent.Alerting.Senders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Prometheus;

/// <summary>Serves <c>/metrics</c> (Prometheus text) and <c>/healthz</c> (200 or 503 with the reason).</summary>
public sealed partial class MetricsEndpoint(
    IOptions<MetricsOptions> options, AgentHealth health, OutboxDispatcher dispatcher, IEnumerable<MqttConnection> mqtt, IHostApplicationLifetime lifetime, ILogger<MetricsEndpoint> logger)
    : BackgroundService
{
    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        dispatcher.Delivered += (entry, at) =>
        {
            AgentMetrics.AlertsSent.WithLabels(entry.Channel).Inc();
            AgentMetrics.EndToEndSeconds.WithLabels(entry.Channel).Observe((at - entry.Alert.Observation.LatencyStart).TotalSeconds);
        };
        dispatcher.GaveUp += entry => AgentMetrics.AlertsFailed.WithLabels(entry.Channel).Inc();
        foreach (var connection in mqtt)
        {
            Metrics.DefaultRegistry.AddBeforeCollectCallback(() =>
            {
                AgentMetrics.MqttConnected.Set(connection.IsConnected ? 1 : 0);
                AgentMetrics.MqttEventsDropped.Set(connection.DroppedEvents);
            });
        }

        if (!options.Value.Enabled)
        {
            return;
        }

        var endpoint = IPEndPoint.Parse(options.Value.Listen);
        var host = endpoint.Address switch
        {
            // HttpListener takes "every address" as +, not as 0.0.0.0 or [::] (the container listens so).
            var any when any.Equals(IPAddress.Any) || any.Equals(IPAddress.IPv6Any) => "+",
            { AddressFamily: System.Net.Sockets.AddressFamily.InterNetworkV6 } v6 => $"[{v6}]",
            var address => address.ToString(),
        };
        using var listener = new HttpListener();
        listener.Prefixes.Add($"http://{host}:{endpoint.Port}/");
        try
        {
            listener.Start();
        }
        catch (HttpListenerException e)
        {
            // Without /healthz nothing outside can tell how the agent is: stop, and let systemd or the container restart it.
            health.GiveUp($"Metrics:Listen {options.Value.Listen}: cannot listen: {e.Message}");
            LogCannotListen(logger, options.Value.Listen, e.Message);
            lifetime.StopApplication();
            return;
        }

        LogListening(logger, options.Value.Listen);
        using var registration = stoppingToken.Register(listener.Stop);
        while (!stoppingToken.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
            {
                return;
            }

            try
            {
                await AnswerAsync(context, stoppingToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpListenerException or IOException)
            {
                LogRequestFailed(logger, e.Message);
            }
        }
    }

    private async Task AnswerAsync(HttpListenerContext context, CancellationToken cancellationToken)
    {
        using var response = context.Response;
        switch (context.Request.Url?.AbsolutePath)
        {
            case "/metrics":
                response.ContentType = "text/plain; version=0.0.4";
                await Metrics.DefaultRegistry.CollectAndExportAsTextAsync(response.OutputStream, cancellationToken).ConfigureAwait(false);
                break;
            case "/healthz":
                var problem = health.Problem();
                response.StatusCode = problem is null ? 200 : 503;
                var lines = health.Sources.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"{s.Key}: {s.Value.State.ToString().ToLowerInvariant()} {s.Value.Detail}".TrimEnd());
                var body = string.Join('\n', new[] { problem ?? "ok" }.Concat(lines)) + "\n";
                await response.OutputStream.WriteAsync(System.Text.Encoding.UTF8.GetBytes(body), cancellationToken).ConfigureAwait(false);
                break;
            default:
                response.StatusCode = 404;
                break;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Metrics on http://{Listen}/metrics, health on /healthz")]
    private static partial void LogListening(ILogger logger, string listen);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Metrics endpoint cannot listen on {Listen}: {Error}; stopping")]
    private static partial void LogCannotListen(ILogger logger, string listen, string error);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Metrics request failed: {Error}")]
    private static partial void LogRequestFailed(ILogger logger, string error);
}
