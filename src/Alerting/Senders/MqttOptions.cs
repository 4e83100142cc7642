namespace EdgeAgent.Alerting.Senders;

using EdgeAgent.Common;

/// <summary>Configuration section <c>Mqtt</c>. MQTT is on when <see cref="Host"/> is set.</summary>
public sealed class MqttOptions : ISelfValidating
{
    /// <summary>The section's name.</summary>
    public const string SectionName = "Mqtt";

    /// <summary>Broker host name.</summary>
    public string Host { get; set; } = "";

    /// <summary>Broker port: 1883 plain, 8883 with TLS.</summary>
    public int Port { get; set; } = 1883;

    /// <summary>Use TLS to the broker.</summary>
    public bool UseTls { get; set; }

    /// <summary>User name; none when empty.</summary>
    public string Username { get; set; } = "";

    /// <summary>Password: from the environment (<c>Mqtt__Password</c>) or a systemd credential.</summary>
    public string Password { get; set; } = "";

    /// <summary>First level of every topic: <c>{TopicPrefix}/{DeviceId}/events</c> and <c>/status</c>.</summary>
    public string TopicPrefix { get; set; } = "edge-agent";

    /// <summary>Keep-alive interval.</summary>
    public TimeSpan KeepAlive { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Longest wait between reconnection attempts.</summary>
    public TimeSpan MaxReconnectDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Detection events held while the broker is away; the oldest go first when full (alerts are kept in the outbox instead).</summary>
    public int EventQueueSize { get; set; } = 1000;

    /// <summary>Whether MQTT is configured.</summary>
    public bool Enabled => Host.Length > 0;

    /// <inheritdoc />
    public IEnumerable<string> Problems()
    {
        if (!Enabled)
        {
            yield break;
        }

        if (Port is < 1 or > 65535)
        {
            yield return $"Mqtt:Port: {Port} is not a port (1–65535)";
        }

        if (TopicPrefix.Length == 0 || TopicPrefix.IndexOfAny(['+', '#']) >= 0)
        {
            yield return $"Mqtt:TopicPrefix: '{TopicPrefix}' must be a topic level without wildcards";
        }

        if (Username.Length > 0 && Password.Length == 0)
        {
            yield return "Mqtt:Password: Mqtt:Username is set but no password: set the environment variable Mqtt__Password or a systemd credential named Mqtt__Password";
        }

        if (EventQueueSize < 1)
        {
            yield return $"Mqtt:EventQueueSize: {EventQueueSize} must be at least 1";
        }
    }
}
