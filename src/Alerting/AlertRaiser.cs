namespace EdgeAgent.Alerting;

using EdgeAgent.Alerting.Geofencing;
using EdgeAgent.Alerting.Observations;
using EdgeAgent.Alerting.Outbox;
using EdgeAgent.Alerting.Rules;
using EdgeAgent.Alerting.Senders;
using Microsoft.Extensions.Logging;

/// <summary>
/// The way in to alerting: places an observation, publishes it as a detection event, lets the rules
/// decide, and commits any alert to the outbox before returning.
/// </summary>
public sealed partial class AlertRaiser(
    ZoneMap zones, CameraRegistry cameras, RuleEngine rules, AlertOutbox outbox, IEnumerable<IAlertSender> senders, ILogger<AlertRaiser> logger, MqttConnection? mqtt = null)
{
    private readonly string[] _channels = senders.Select(s => s.Channel).Distinct().ToArray();

    /// <summary>The delivery channels alerts are queued for.</summary>
    public IReadOnlyList<string> Channels => _channels;

    /// <summary>Handles one observation; returns the alert it raised, already durable, or null.</summary>
    public async Task<Alert?> ObserveAsync(Observation observation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(observation);
        var placed = observation.Position is null ? observation with { Position = cameras.PositionOf(observation.SourceId) } : observation;
        var here = placed.Position is { } position ? zones.ZonesAt(position) : [];
        mqtt?.QueueEvent(EventPayloads.Detection(placed, here.Select(z => z.Id)));

        var timeZone = cameras.TimeZoneOf(placed.SourceId);
        var alert = rules.Decide(placed, here, timeZone == TimeZoneInfo.Utc ? null : timeZone.Id);
        if (alert is null)
        {
            return null;
        }

        if (_channels.Length == 0)
        {
            LogNoChannel(logger, alert.Id, alert.Rule);
            return alert;
        }

        await outbox.EnqueueAsync(alert, _channels, cancellationToken).ConfigureAwait(false);
        LogRaised(logger, alert.Id, alert.Severity, alert.Rule, placed.Detection.Label, placed.SourceId, alert.ZoneId ?? "-");
        return alert;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Alert {Id} ({Severity}, rule '{Rule}'): {Label} at {Source}, zone {Zone}")]
    private static partial void LogRaised(ILogger logger, string id, AlertSeverity severity, string rule, string label, string source, string zone);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alert {Id} (rule '{Rule}') has nowhere to go: configure Email or Mqtt")]
    private static partial void LogNoChannel(ILogger logger, string id, string rule);
}
