namespace EdgeAgent.Alerting;

using EdgeAgent.Alerting.Geofencing;
using EdgeAgent.Common.Observations;
using EdgeAgent.Alerting.Outbox;
using EdgeAgent.Alerting.Rules;
using EdgeAgent.Alerting.Senders;
using Microsoft.Extensions.Logging;

/// <summary>
/// The way in to alerting: finds the zones an observation lies in and lets the rules decide. The
/// agent's write stage stores the alerts it decides with the records of their picture
/// (<see cref="Decide"/>, then <see cref="Stored"/>) and only then publishes the observations as
/// detection events (<see cref="Announce"/>), so a picture processed again after a crash does not
/// announce them twice; a one-off alert is stored on its own (<see cref="ObserveAsync"/>).
/// </summary>
public sealed partial class AlertRaiser(
    ZoneMap zones, CameraRegistry cameras, RuleEngine rules, AlertOutbox outbox, IEnumerable<IAlertSender> senders, ILogger<AlertRaiser> logger, MqttConnection? mqtt = null)
{
    private readonly string[] _channels = senders.Select(s => s.Channel).Distinct().ToArray();

    /// <summary>The delivery channels alerts are queued for.</summary>
    public IReadOnlyList<string> Channels => _channels;

    /// <summary>
    /// Decides on one observation (placed at its camera when it has no position of its own); returns
    /// the alert it raises, not yet stored, or null.
    /// </summary>
    public Alert? Decide(Observation observation)
    {
        var (placed, here) = Place(observation);
        var timeZone = cameras.TimeZoneOf(placed.SourceId);
        return rules.Decide(placed, here, timeZone == TimeZoneInfo.Utc ? null : timeZone.Id);
    }

    /// <summary>Publishes a recorded observation as a detection event (MQTT, when configured).</summary>
    public void Announce(Observation observation)
    {
        if (mqtt is not null)
        {
            var (placed, here) = Place(observation);
            mqtt.QueueEvent(EventPayloads.Detection(placed, here.Select(z => z.Id)));
        }
    }

    /// <summary>The observation placed at its camera when it has no position of its own, and the zones it lies in.</summary>
    private (Observation Placed, IReadOnlyList<Zone> Zones) Place(Observation observation)
    {
        ArgumentNullException.ThrowIfNull(observation);
        var placed = observation.Position is null ? observation with { Position = cameras.PositionOf(observation.SourceId) } : observation;
        return (placed, placed.Position is { } position ? zones.ZonesAt(position) : []);
    }

    /// <summary>An alert decided here goes out at another severity than its rule's (see <see cref="RuleEngine.Settle"/>).</summary>
    public void Settle(Alert alert) => rules.Settle(alert);

    /// <summary>Handles one observation and stores its alert, if any, before returning it.</summary>
    public async Task<Alert?> ObserveAsync(Observation observation, CancellationToken cancellationToken = default)
    {
        var alert = Decide(observation);
        if (alert is null)
        {
            Announce(observation);
            return null;
        }

        if (_channels.Length > 0)
        {
            await outbox.EnqueueAsync(alert, _channels, cancellationToken).ConfigureAwait(false);
        }

        Stored(alert, isNew: true);
        Announce(observation);
        return alert;
    }

    /// <summary>Says that an alert is stored (or, <paramref name="isNew"/> false, was already, from before a restart).</summary>
    public void Stored(Alert alert, bool isNew)
    {
        ArgumentNullException.ThrowIfNull(alert);
        if (_channels.Length == 0)
        {
            LogNoChannel(alert.Id, alert.Rule);
        }
        else if (isNew)
        {
            LogRaised(alert.Id, alert.Severity, alert.Rule, alert.Observation.Detection.Label, alert.Observation.SourceId, alert.ZoneId ?? "-");
        }
        else
        {
            LogAgain(alert.Id, alert.Rule);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alert {Id} (rule '{Rule}') has nowhere to go: configure Email or Mqtt")]
    private partial void LogNoChannel(string id, string rule);

    [LoggerMessage(Level = LogLevel.Information, Message = "Alert {Id} ({Severity}, rule '{Rule}'): {Label} at {Source}, zone {Zone}")]
    private partial void LogRaised(string id, AlertSeverity severity, string rule, string label, string source, string zone);

    [LoggerMessage(Level = LogLevel.Information, Message = "Alert {Id} (rule '{Rule}') was already stored before a restart: not raised twice")]
    private partial void LogAgain(string id, string rule);
}
