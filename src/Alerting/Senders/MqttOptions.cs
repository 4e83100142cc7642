namespace EdgeAgent.Alerting.Senders;

using EdgeAgent.Common;

/// <summary>Configuration section <c>Mqtt</c>. MQTT is on when <see cref="ServerOptions.Host"/> is set.</summary>
public sealed class MqttOptions : ServerOptions, IOptionsSection
{
    /// <summary>The section's name.</summary>
    public static string SectionName => "Mqtt";

    /// <summary>The broker's plain port (1883) by default; 8883 is the usual one with TLS.</summary>
    public MqttOptions() => Port = 1883;

    /// <summary>Use TLS to the broker.</summary>
    public bool UseTls { get; set; }

    /// <summary>First level of every topic: <c>{TopicPrefix}/{DeviceId}/events</c> and <c>/status</c>.</summary>
    public string TopicPrefix { get; set; } = "edge-agent";

    /// <summary>Keep-alive interval.</summary>
    public TimeSpan KeepAlive { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Longest wait between reconnection attempts.</summary>
    public TimeSpan MaxReconnectDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Detection events held while the broker is away; the oldest go first when full (alerts are kept in the outbox instead).</summary>
    public int EventQueueSize { get; set; } = 1000;

    /// <inheritdoc />
    public IEnumerable<string> Problems()
    {
        if (!Enabled)
        {
            yield break;
        }

        foreach (var problem in ServerProblems(SectionName))
        {
            yield return problem;
        }

        if (TopicPrefix.Length == 0 || TopicPrefix.IndexOfAny(['+', '#']) >= 0)
        {
            yield return $"Mqtt:TopicPrefix: '{TopicPrefix}' must be a topic level without wildcards";
        }

        if (EventQueueSize < 1)
        {
            yield return $"Mqtt:EventQueueSize: {EventQueueSize} must be at least 1";
        }
    }
}
