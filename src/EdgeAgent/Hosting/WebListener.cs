namespace EdgeAgent.Hosting;

using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;

/// <summary>The one way the agent serves HTTP: a slim Kestrel host on one endpoint, for metrics and for the station page.</summary>
public static partial class WebListener
{
    /// <summary>A web application listening on <paramref name="endpoint"/> only, logging nothing of its own.</summary>
    public static WebApplication Build(IPEndPoint endpoint, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = "edge-agent", ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(endpoint));
        configure?.Invoke(builder);
        return builder.Build();
    }

    /// <summary>
    /// Starts <paramref name="app"/> and serves until the agent stops, then lets requests in flight
    /// finish. An address that cannot be listened on (<paramref name="setting"/>, e.g.
    /// <c>Metrics:Listen</c>) makes the agent unhealthy with the reason and stops it, so that systemd
    /// or the container restarts it; <paramref name="listening"/> is called once it listens.
    /// </summary>
    public static async Task ServeAsync(
        WebApplication app, string setting, string listen, AgentHealth health, IHostApplicationLifetime lifetime, ILogger logger, Action listening, CancellationToken stoppingToken)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(health);
        ArgumentNullException.ThrowIfNull(lifetime);
        ArgumentNullException.ThrowIfNull(listening);
        try
        {
            await app.StartAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            health.GiveUp($"{setting} {listen}: cannot listen: {e.Message}");
            LogCannotListen(logger, setting, listen, e.Message);
            lifetime.StopApplication();
            return;
        }

        listening();
        try
        {
            await Task.Delay(Timeout.Infinite, stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        await app.StopAsync(CancellationToken.None).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Critical, Message = "{Setting} {Listen}: cannot listen: {Error}; stopping")]
    private static partial void LogCannotListen(ILogger logger, string setting, string listen, string error);
}
