namespace EdgeAgent.Hosting;

using EdgeAgent.Alerting.Outbox;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting.Systemd;

/// <summary>Registration of what tells the outside how the daemon is: health, metrics, the systemd watchdog.</summary>
public static class HostingRegistration
{
    /// <summary>Registers <c>Metrics</c>, the health the stages report to, <c>/metrics</c> and <c>/healthz</c>, and the watchdog.</summary>
    public static IServiceCollection AddHealth(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<MetricsOptions>(configuration);
        services.AddSingleton(sp =>
        {
            var time = sp.GetRequiredService<TimeProvider>();
            var metrics = sp.GetRequiredService<IOptions<MetricsOptions>>().Value;
            var health = new AgentHealth(time);
            var outbox = sp.GetRequiredService<AlertOutbox>();
            health.AddCheck(() => outbox.OldestWaitingAsync().GetAwaiter().GetResult() is { } oldest && time.GetUtcNow() - oldest > metrics.AlertWaitLimit
                ? $"an alert has waited {(time.GetUtcNow() - oldest).TotalMinutes:F0} min to be sent (Metrics:AlertWaitLimit {metrics.AlertWaitLimit})"
                : null);
            var database = Path.GetFullPath(sp.GetRequiredService<IOptions<DatabaseOptions>>().Value.Path);
            var folder = Path.GetDirectoryName(database)!;
            Prometheus.Metrics.DefaultRegistry.AddBeforeCollectCallback(() =>
            {
                AgentMetrics.DatabaseBytes.Set(new[] { database, database + "-wal" }.Select(f => new FileInfo(f)).Where(f => f.Exists).Sum(f => f.Length));
                AgentMetrics.FreeBytes.Set((FreeMegabytes(folder) ?? 0) * 1024.0 * 1024);
            });
            health.AddCheck(() => FreeMegabytes(folder) is { } free && free < metrics.MinFreeMegabytes
                ? $"{free} MB free in {folder}, under Metrics:MinFreeMegabytes ({metrics.MinFreeMegabytes})"
                : null);
            return health;
        });
        services.AddSingleton<SourceActivity>();
        services.AddHostedService<MetricsEndpoint>();

        // AddSystemd registers the notifier only under systemd; outside it the watchdog finds it disabled.
        services.TryAddSingleton<ISystemdNotifier, SystemdNotifier>();
        services.AddHostedService<SystemdWatchdog>();
        return services;
    }

    /// <summary>Free space on the file system of a folder, in MB; null when it cannot be told.</summary>
    internal static long? FreeMegabytes(string folder)
    {
        try
        {
            return new DriveInfo(folder).AvailableFreeSpace / (1024 * 1024);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return null;
        }
    }
}
