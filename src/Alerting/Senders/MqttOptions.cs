namespace EdgeAgent.Alerting.Senders;


/// <summary>Configuration section <c>Mqtt</c>. MQTT is on when <see cref="ServerOptions.Host"/> is set; the port is 1883 by default (8883 is the usual one with TLS).</summary>
public sealed class MqttOptions() : ServerOptions(SectionName, 1883), IOptionsSection
{
    /// <summary>The section's name.</summary>
    public static string SectionName => "Mqtt";

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
    protected override IEnumerable<string> SettingProblems()
    {
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
