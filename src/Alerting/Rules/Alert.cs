namespace EdgeAgent.Alerting.Rules;

using EdgeAgent.Common.Observations;

/// <summary>A decision to tell people: raised by a rule, delivered through the outbox.</summary>
/// <param name="Id">Derived from what the alert is about (<see cref="IdFor"/>): the e-mail Message-ID and the MQTT payload id, so a resend — or the same alert raised again after a crash — is recognisable.</param>
/// <param name="RaisedAt">When the rule matched.</param>
/// <param name="Severity">How serious.</param>
/// <param name="Rule">The rule's name.</param>
/// <param name="Observation">What was seen, where and when.</param>
/// <param name="ZoneId">The zone it concerns, if any.</param>
/// <param name="ZoneName">That zone's name for people.</param>
/// <param name="Recipients">E-mail recipients; empty means the e-mail section's defaults.</param>
/// <param name="TimeZone">IANA time zone of the site, for local times; null for UTC.</param>
/// <param name="Burst">For a rule that asks for confirmation: in how many pictures of its burst the thing was seen; null otherwise.</param>
public sealed record Alert(
    string Id,
    DateTimeOffset RaisedAt,
    AlertSeverity Severity,
    string Rule,
    Observation Observation,
    string? ZoneId,
    string? ZoneName,
    IReadOnlyList<string> Recipients,
    string? TimeZone,
    BurstEvidence? Burst = null)
{
    /// <summary>A new id for an alert about nothing that could be seen twice (a test alert): a version-7 GUID.</summary>
    public static string NewId() => Guid.CreateVersion7().ToString("N");

    /// <summary>
    /// The id of the alert a rule raises about a subject — a camera-trap picture (its path, size and
    /// time) or a video track — for a label in a zone: the same inputs give the same id, so a picture
    /// processed again after a crash raises the alert it raised before, not a new one.
    /// </summary>
    public static string IdFor(string sourceId, string subject, string rule, string label, string? zoneId)
    {
        var key = string.Join('\u001f', sourceId, subject, rule, label, zoneId ?? "");
        var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(key));
        return Convert.ToHexStringLower(hash.AsSpan(0, 16));
    }
}

/// <summary>How a camera-trap burst bore out an alert: seen in <paramref name="SeenIn"/> of its <paramref name="Pictures"/> pictures.</summary>
/// <param name="Pictures">Pictures of the burst seen before the decision.</param>
/// <param name="SeenIn">Those in which the rule's object was seen.</param>
/// <param name="LoweredFrom">The rule's severity when the alert went out lower for want of confirmation; null when confirmed.</param>
public sealed record BurstEvidence(int Pictures, int SeenIn, AlertSeverity? LoweredFrom)
{
    /// <summary>Seen in more than one picture of the burst.</summary>
    public bool Confirmed => LoweredFrom is null;

    /// <summary>The evidence for people: "seen in 2 of 3 pictures of its burst".</summary>
    public override string ToString() => LoweredFrom is { } rule
        ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"seen in {SeenIn} of {Pictures} pictures of its burst: not confirmed, so {rule} lowered")
        : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"seen in {SeenIn} of {Pictures} pictures of its burst: confirmed");
}
