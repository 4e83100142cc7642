namespace EdgeAgent.Hosting;

using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

/// <summary>The one way the agent serves HTTP: a slim Kestrel host on one endpoint, for metrics and for the station page.</summary>
public static class WebListener
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

    /// <summary>Serves until the agent stops, then lets requests in flight finish.</summary>
    public static async Task RunUntilStoppedAsync(WebApplication app, CancellationToken stoppingToken)
    {
        ArgumentNullException.ThrowIfNull(app);
        try
        {
            await Task.Delay(Timeout.Infinite, stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        await app.StopAsync(CancellationToken.None).ConfigureAwait(false);
    }
}
