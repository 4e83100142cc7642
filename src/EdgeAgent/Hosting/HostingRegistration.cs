namespace EdgeAgent.Hosting;

using EdgeAgent.Common;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting.Systemd;

/// <summary>Registration of what tells the outside how the daemon is: health, metrics, the systemd watchdog.</summary>
public static class HostingRegistration
{
    /// <summary>Registers <c>Metrics</c>, the health the stages report to, <c>/metrics</c> and <c>/healthz</c>, and the watchdog.</summary>
    public static IServiceCollection AddHealth(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<MetricsOptions>(configuration, MetricsOptions.SectionName);
        services.AddSingleton<AgentHealth>();
        services.AddHostedService<MetricsEndpoint>();

        // AddSystemd registers the notifier only under systemd; outside it the watchdog finds it disabled.
        services.TryAddSingleton<ISystemdNotifier, SystemdNotifier>();
        services.AddHostedService<SystemdWatchdog>();
        return services;
    }
}
