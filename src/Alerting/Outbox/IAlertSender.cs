namespace EdgeAgent.Alerting.Outbox;

using EdgeAgent.Alerting.Rules;

/// <summary>A delivery channel for alerts (e-mail, MQTT). The outbox calls it until it succeeds.</summary>
public interface IAlertSender
{
    /// <summary>The channel's name in the outbox: <c>email</c>, <c>mqtt</c>.</summary>
    string Channel { get; }

    /// <summary>Delivers one alert; throws when it did not get through. Sending the same alert twice must be harmless (same id).</summary>
    /// <returns>What the far side answered, for the log.</returns>
    Task<string> SendAsync(Alert alert, CancellationToken cancellationToken);
}
