namespace EdgeAgent.Hosting;

using EdgeAgent.Common;

/// <summary>Configuration section <c>Metrics</c>: the Prometheus and health endpoint.</summary>
public sealed class MetricsOptions : ISelfValidating
{
    /// <summary>The section's name.</summary>
    public const string SectionName = "Metrics";

    /// <summary>Serve <c>/metrics</c> and <c>/healthz</c>.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Address and port; loopback by default, so nothing is exposed to the network unless asked.</summary>
    public string Listen { get; set; } = "127.0.0.1:9464";

    /// <summary>Unhealthy while an alert has waited this long to go out (a mail server down, a wrong password).</summary>
    public TimeSpan AlertWaitLimit { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Unhealthy below this much free space where the database lives: records, pictures and alerts need room.</summary>
    public int MinFreeMegabytes { get; set; } = 200;

    /// <inheritdoc />
    public IEnumerable<string> Problems()
    {
        if (Enabled && (!System.Net.IPEndPoint.TryParse(Listen, out var endpoint) || endpoint.Port == 0))
        {
            yield return $"Metrics:Listen: '{Listen}' is not an address:port such as 127.0.0.1:9464 (0.0.0.0:9464 for every address)";
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
