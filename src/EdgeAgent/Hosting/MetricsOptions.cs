namespace EdgeAgent.Hosting;


/// <summary>
/// Configuration section <c>Metrics</c>: the Prometheus and health endpoint, on loopback by default;
/// beyond it, HTTP Basic with <see cref="WebListenerOptions.Password"/>.
/// </summary>
public sealed class MetricsOptions() : WebListenerOptions(SectionName, "the metrics and health endpoint", 9464), IOptionsSection
{
    /// <summary>The section's name.</summary>
    public static string SectionName => "Metrics";

    /// <summary>Unhealthy while an alert has waited this long to go out (a mail server down, a wrong password).</summary>
    public TimeSpan AlertWaitLimit { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Unhealthy below this much free space where the database lives: records, pictures and alerts need room.</summary>
    public int MinFreeMegabytes { get; set; } = 200;

    /// <inheritdoc />
    protected override IEnumerable<string> SettingProblems()
    {
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
