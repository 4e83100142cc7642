namespace EdgeAgent.Alerting.Rules;

using EdgeAgent.Alerting.Geofencing;
using EdgeAgent.Common.Observations;
using EdgeAgent.Alerting.Outbox;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

/// <summary>
/// Decides whether an observation becomes an alert. Every decision is logged at debug level with
/// its reason, so "why did I (not) get an e-mail?" has an answer in the log. The cooldowns are
/// remembered across restarts: they are read back from the alerts in the outbox.
/// </summary>
public sealed partial class RuleEngine
{
    private readonly IReadOnlyList<AlertRule> _rules;
    private readonly TimeProvider _time;
    private readonly ILogger<RuleEngine> _logger;
    private readonly Dictionary<(string Source, string Zone, string Label), (DateTimeOffset At, AlertSeverity Severity)> _lastAlerts = [];
    private readonly Lock _lock = new();

    /// <summary>A rule engine; given the outbox, it starts with the cooldowns of the alerts stored there.</summary>
    public RuleEngine(IOptions<AlertingOptions> options, TimeProvider time, ILogger<RuleEngine> logger, AlertOutbox? outbox = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _rules = options.Value.Rules;
        _time = time;
        _logger = logger;
        if (outbox is not null && LongestCooldown > TimeSpan.Zero)
        {
            Remember(outbox.RaisedSince(time.GetUtcNow() - LongestCooldown));
        }
    }

    private TimeSpan LongestCooldown => _rules.Count == 0 ? TimeSpan.Zero : _rules.Max(r => r.Cooldown);

    /// <summary>Takes alerts raised earlier (by a previous run) into the cooldowns.</summary>
    public void Remember(IEnumerable<Alert> alerts)
    {
        ArgumentNullException.ThrowIfNull(alerts);
        lock (_lock)
        {
            foreach (var alert in alerts)
            {
                var key = (alert.Observation.SourceId, alert.ZoneId ?? "", alert.Observation.Detection.Label);
                if (!_lastAlerts.TryGetValue(key, out var last) || last.At < alert.RaisedAt)
                {
                    _lastAlerts[key] = (alert.RaisedAt, alert.Severity);
                }
            }
        }
    }

    /// <summary>
    /// An alert this engine raised went out at another severity than its rule's (a burst left it
    /// unconfirmed, one severity lower): its cooldown holds at that severity, so that a confident
    /// alert of the rule's own severity is not blocked by a warning that was never confirmed.
    /// </summary>
    public void Settle(Alert alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        var key = (alert.Observation.SourceId, alert.ZoneId ?? "", alert.Observation.Detection.Label);
        lock (_lock)
        {
            if (_lastAlerts.TryGetValue(key, out var last) && last.At == alert.RaisedAt)
            {
                _lastAlerts[key] = (last.At, alert.Severity);
            }
        }
    }

    /// <summary>The alert the observation raises, or null (and a log line saying why not).</summary>
    public Alert? Decide(Observation observation, IReadOnlyList<Zone> zones, string? timeZone = null)
    {
        ArgumentNullException.ThrowIfNull(observation);
        ArgumentNullException.ThrowIfNull(zones);
        var detection = observation.Detection;
        (AlertRule Rule, Zone? Zone)? best = null;
        foreach (var rule in _rules)
        {
            var why = Mismatch(rule, observation, zones, out var zone);
            if (why is not null)
            {
                LogNoMatch(rule.Name, detection.Label, observation.SourceId, why);
                continue;
            }

            LogMatch(rule.Name, detection.Label, observation.SourceId, zone?.Id ?? "-", rule.Severity);
            if (best is null || rule.Severity > best.Value.Rule.Severity)
            {
                best = (rule, zone);
            }
        }

        if (best is not { } winner)
        {
            LogNoRule(detection.Label, observation.SourceId, zones.Count);
            return null;
        }

        var now = _time.GetUtcNow();
        var key = (observation.SourceId, winner.Zone?.Id ?? "", detection.Label);
        lock (_lock)
        {
            if (_lastAlerts.TryGetValue(key, out var last) && now - last.At < winner.Rule.Cooldown && winner.Rule.Severity <= last.Severity)
            {
                LogCooldown(detection.Label, observation.SourceId, winner.Zone?.Id ?? "-", last.At, winner.Rule.Cooldown);
                return null;
            }

            _lastAlerts[key] = (now, winner.Rule.Severity);
            if (_lastAlerts.Count > 10_000)
            {
                Prune(now);
            }
        }

        var id = observation.Subject is { } subject
            ? Alert.IdFor(observation.SourceId, subject, winner.Rule.Name, detection.Label, winner.Zone?.Id)
            : Alert.NewId();
        return new Alert(id, now, winner.Rule.Severity, winner.Rule.Name, observation, winner.Zone?.Id, winner.Zone?.Name, winner.Rule.Recipients, timeZone);
    }

    private static string? Mismatch(AlertRule rule, Observation observation, IReadOnlyList<Zone> zones, out Zone? zone)
    {
        zone = null;
        var detection = observation.Detection;
        if (rule.Objects.Count > 0 && !rule.Objects.Any(detection.Is))
        {
            var taxon = detection.Taxon is { } named ? $", {named.Taxon.ScientificName}" : "";
            return $"{detection.Label} ({detection.Category.Name()}{taxon}) is not one of {string.Join(", ", rule.Objects)}";
        }

        if (detection.Confidence < rule.MinConfidence)
        {
            return $"confidence {detection.Confidence:0.00} is below {rule.MinConfidence:0.00}";
        }

        var inRuleZones = zones.Where(z => rule.Zones.Count == 0 || rule.Zones.Contains(z.Id, StringComparer.Ordinal)).ToList();
        switch (rule.Where)
        {
            case ZoneScope.Inside when observation.Position is null:
                return "the observation has no position";
            case ZoneScope.Inside when inRuleZones.Count == 0:
                return rule.Zones.Count == 0 ? "it is in no zone" : $"it is in none of {string.Join(", ", rule.Zones)}";
            case ZoneScope.Inside:
                zone = inRuleZones[0];
                return null;
            case ZoneScope.Outside when observation.Position is null:
                return "the observation has no position";
            case ZoneScope.Outside when inRuleZones.Count > 0:
                return $"it is inside {inRuleZones[0].Id}";
            default:
                zone = rule.Where == ZoneScope.Anywhere ? zones.FirstOrDefault() : null;
                return null;
        }
    }

    private void Prune(DateTimeOffset now)
    {
        foreach (var key in _lastAlerts.Where(e => now - e.Value.At >= LongestCooldown).Select(e => e.Key).ToList())
        {
            _lastAlerts.Remove(key);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Rule '{Rule}' does not match {Label} at {Source}: {Reason}")]
    private partial void LogNoMatch(string rule, string label, string source, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Rule '{Rule}' matches {Label} at {Source} (zone {Zone}, severity {Severity})")]
    private partial void LogMatch(string rule, string label, string source, string zone, AlertSeverity severity);

    [LoggerMessage(Level = LogLevel.Debug, Message = "No rule matches {Label} at {Source} ({ZoneCount} zones here): no alert")]
    private partial void LogNoRule(string label, string source, int zoneCount);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Label} at {Source} in zone {Zone}: alerted at {Last:u}, within the {Cooldown} cooldown: no alert")]
    private partial void LogCooldown(string label, string source, string zone, DateTimeOffset last, TimeSpan cooldown);
}
