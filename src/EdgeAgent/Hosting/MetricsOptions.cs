namespace EdgeAgent.Hosting;

using EdgeAgent.Common;

/// <summary>Configuration section <c>Metrics</c>: the Prometheus and health endpoint.</summary>
public sealed class MetricsOptions : WebListenerOptions, ISelfValidating
{
    /// <summary>The section's name.</summary>
    public const string SectionName = "Metrics";

    /// <summary>Loopback by default, so nothing is exposed to the network unless asked; beyond it, HTTP Basic with <see cref="WebListenerOptions.Password"/>.</summary>
    public MetricsOptions() => Listen = "127.0.0.1:9464";

    /// <summary>Unhealthy while an alert has waited this long to go out (a mail server down, a wrong password).</summary>
    public TimeSpan AlertWaitLimit { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Unhealthy below this much free space where the database lives: records, pictures and alerts need room.</summary>
    public int MinFreeMegabytes { get; set; } = 200;

    /// <inheritdoc />
    protected override int DefaultPort => 9464;

    /// <inheritdoc />
    public IEnumerable<string> Problems()
    {
        foreach (var problem in ListenerProblems(SectionName, "the metrics and health endpoint"))
        {
            yield return problem;
        }

        if (AlertWaitLimit <= TimeSpan.Zero)
        {
            yield return $"Metrics:AlertWaitLimit: {AlertWaitLimit} must be positive";
        }

        if (MinFreeMegabytes < 0)
        {
            yield return $"Metrics:MinFreeMegabytes: {MinFreeMegabytes} cannot be negative";
        }
    }
}
