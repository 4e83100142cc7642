namespace EdgeAgent.Hosting;

using System.Net;
using EdgeAgent.Alerting.Outbox;
using EdgeAgent.Alerting.Senders;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Prometheus;

/// <summary>
/// Serves <c>/metrics</c> (Prometheus text, written by prometheus-net) and <c>/healthz</c> (200 or
/// 503 with the reason) on a Kestrel listener of their own, loopback by default. Kestrel, not
/// <c>HttpListener</c>: .NET's managed listener on Linux can throw inside its accept loop when a
/// client connects while it starts (a scrape or probe during start-up), which ended the agent.
/// </summary>
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

        // Building the web host takes a moment: not on the thread that starts the other stages.
        await Task.Yield();
        await using var app = WebListener.Build(IPEndPoint.Parse(options.Value.Listen));
        if (options.Value.LoginRequired)
        {
            app.Use(async (context, next) =>
            {
                if (BasicPassword(context.Request.Headers.Authorization.ToString()) is { } given && options.Value.PasswordMatches(given))
                {
                    await next(context).ConfigureAwait(false);
                    return;
                }

                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                context.Response.Headers.WWWAuthenticate = "Basic realm=\"edge-agent\", charset=\"UTF-8\"";
            });
        }

        app.MapGet("/metrics", async (HttpContext context) =>
        {
            context.Response.ContentType = "text/plain; version=0.0.4";
            await Metrics.DefaultRegistry.CollectAndExportAsTextAsync(context.Response.Body, context.RequestAborted).ConfigureAwait(false);
        });
        app.MapGet("/healthz", () =>
        {
            var problem = health.Problem();
            var lines = health.Sources.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"{s.Key}: {s.Value.State.ToString().ToLowerInvariant()} {s.Value.Detail}".TrimEnd());
            var warnings = health.Warnings().Select(w => $"warning: {w}");
            return Results.Text(string.Join('\n', new[] { problem ?? "ok" }.Concat(warnings).Concat(lines)) + "\n", "text/plain; charset=utf-8", statusCode: problem is null ? 200 : 503);
        });

        var listen = options.Value.Listen;
        await WebListener.ServeAsync(app, "Metrics:Listen", listen, health, lifetime, logger, () => LogListening(listen), stoppingToken).ConfigureAwait(false);
    }

    /// <summary>The password of an HTTP Basic <c>Authorization</c> header (the user name is not asked for), or null.</summary>
    internal static string? BasicPassword(string authorization)
    {
        const string Scheme = "Basic ";
        if (!authorization.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        try
        {
            var pair = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(authorization[Scheme.Length..].Trim()));
            return pair.IndexOf(':', StringComparison.Ordinal) is var colon and >= 0 ? pair[(colon + 1)..] : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Metrics on http://{Listen}/metrics, health on /healthz")]
    private partial void LogListening(string listen);
}
