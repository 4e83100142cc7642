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

    /// <inheritdoc />
    public IEnumerable<string> Problems()
    {
        if (Enabled && !System.Net.IPEndPoint.TryParse(Listen, out _))
        {
            yield return $"Metrics:Listen: '{Listen}' is not an address:port such as 127.0.0.1:9464";
        }
    }
}
