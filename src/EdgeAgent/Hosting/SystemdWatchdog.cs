namespace EdgeAgent.Hosting;

using System.Globalization;
using Microsoft.Extensions.Hosting.Systemd;

/// <summary>
/// Pings systemd's watchdog (<c>WATCHDOG=1</c>) at half the unit's <c>WatchdogSec</c>, but only while
/// the pipeline is healthy: a wedged detector then gets the service restarted.
/// </summary>
public sealed partial class SystemdWatchdog(ISystemdNotifier notifier, AgentHealth health, TimeProvider time, ILogger<SystemdWatchdog> logger) : BackgroundService
{
    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!notifier.IsEnabled || !long.TryParse(Environment.GetEnvironmentVariable("WATCHDOG_USEC"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var microseconds))
        {
            return;
        }

        var interval = TimeSpan.FromMicroseconds(microseconds / 2.0);
        string? lastProblem = null;
        while (!stoppingToken.IsCancellationRequested)
        {
            var problem = health.Problem();
            if (problem is null)
            {
                notifier.Notify(new ServiceState("WATCHDOG=1"));
            }
            else if (problem != lastProblem)
            {
                LogUnhealthy(problem);
            }

            lastProblem = problem;
            await Task.Delay(interval, time, stoppingToken).ConfigureAwait(false);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Unhealthy, not pinging the systemd watchdog: {Problem}")]
    private partial void LogUnhealthy(string problem);
}
