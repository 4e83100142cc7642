namespace EdgeAgent.Alerting.Rules;

using EdgeAgent.Alerting.Observations;

/// <summary>A decision to tell people: raised by a rule, delivered through the outbox.</summary>
/// <param name="Id">Stable, time-ordered id: the e-mail Message-ID and the MQTT payload id, so a resend is recognisable.</param>
/// <param name="RaisedAt">When the rule matched.</param>
/// <param name="Severity">How serious.</param>
/// <param name="Rule">The rule's name.</param>
/// <param name="Observation">What was seen, where and when.</param>
/// <param name="ZoneId">The zone it concerns, if any.</param>
/// <param name="ZoneName">That zone's name for people.</param>
/// <param name="Recipients">E-mail recipients; empty means the e-mail section's defaults.</param>
/// <param name="TimeZone">IANA time zone of the site, for local times; null for UTC.</param>
public sealed record Alert(
    string Id,
    DateTimeOffset RaisedAt,
    AlertSeverity Severity,
    string Rule,
    Observation Observation,
    string? ZoneId,
    string? ZoneName,
    IReadOnlyList<string> Recipients,
    string? TimeZone)
{
    /// <summary>A new id: a version-7 GUID, so ids sort by time.</summary>
    public static string NewId() => Guid.CreateVersion7().ToString("N");
}
