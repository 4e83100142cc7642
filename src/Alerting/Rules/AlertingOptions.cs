namespace EdgeAgent.Alerting.Rules;


/// <summary>How serious an alert is; rules pick it, and the most severe match wins.</summary>
public enum AlertSeverity
{
    Info,
    Warning,
    Critical,
}

/// <summary>Where, relative to its zones, an observation must be for a rule to match.</summary>
public enum ZoneScope
{
    /// <summary>Wherever it is, in a zone or not.</summary>
    Anywhere,

    /// <summary>In one of the rule's zones (any zone when the rule names none).</summary>
    Inside,

    /// <summary>In none of the rule's zones (no zone at all when the rule names none).</summary>
    Outside,
}

/// <summary>Configuration section <c>Alerting</c>: who this device is and the rules.</summary>
public sealed class AlertingOptions : IOptionsSection
{
    /// <summary>The section's name.</summary>
    public static string SectionName => "Alerting";

    /// <summary>This device's name: in MQTT topics and e-mail Message-IDs. Letters, digits, '-', '_' and '.'.</summary>
    public string DeviceId { get; set; } = "edge-agent";

    /// <summary>The rules, in order: among equally severe matches the first wins.</summary>
    public List<AlertRule> Rules { get; set; } = [];

    /// <inheritdoc />
    public IEnumerable<string> Problems()
    {
        if (DeviceId.Length == 0 || !DeviceId.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            yield return $"Alerting:DeviceId: '{DeviceId}' must be letters, digits, '-', '_' or '.'";
        }

        foreach (var problem in ListSettings.Problems("Alerting:Rules", Rules, "Name", r => r.Name))
        {
            yield return problem;
        }
    }
}

/// <summary>One rule: what, where, how sure, how serious, to whom, how often.</summary>
public sealed class AlertRule : IListItem
{
    /// <summary>A name that log lines and alerts show.</summary>
    public string Name { get; set; } = "";

    /// <summary>Categories (<c>person</c>, <c>vehicle</c>, <c>animal</c>) or labels (<c>elephant</c>) that match; empty matches anything.</summary>
    public List<string> Objects { get; set; } = [];

    /// <summary>Inside or outside <see cref="Zones"/>, or anywhere.</summary>
    public ZoneScope Where { get; set; } = ZoneScope.Anywhere;

    /// <summary>Zone ids the rule is about.</summary>
    public List<string> Zones { get; set; } = [];

    /// <summary>The lowest confidence that alerts.</summary>
    public float MinConfidence { get; set; } = 0.5f;

    /// <summary>How serious a match is.</summary>
    public AlertSeverity Severity { get; set; } = AlertSeverity.Warning;

    /// <summary>E-mail addresses; the e-mail section's default recipients when empty.</summary>
    public List<string> Recipients { get; set; } = [];

    /// <summary>After an alert for a source, zone and label, the same again within this time is not sent (a more severe one is).</summary>
    public TimeSpan Cooldown { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Camera-trap bursts: a match below a confidence waits for a second picture of its burst. Null: alert at once.</summary>
    public BurstConfirmation? Confirm { get; set; }

    /// <inheritdoc />
    public IEnumerable<string> Problems()
    {
        if (MinConfidence is < 0 or > 1)
        {
            yield return $":MinConfidence: {MinConfidence} must lie between 0 and 1";
        }

        if (Cooldown < TimeSpan.Zero)
        {
            yield return ":Cooldown: cannot be negative";
        }

        if (Confirm is { } confirm && (confirm.Below is <= 0 or > 1 || confirm.BurstGap <= TimeSpan.Zero || confirm.BurstGap > TimeSpan.FromMinutes(5)))
        {
            yield return $":Confirm: Below must lie in (0, 1] and BurstGap between 0 and 5 minutes (they are {confirm.Below} and {confirm.BurstGap})";
        }

        foreach (var recipient in Recipients.Where(r => !MimeKit.MailboxAddress.TryParse(r, out _)))
        {
            yield return $":Recipients: '{recipient}' is not an e-mail address";
        }
    }
}

/// <summary>
/// A rule's confirmation by the burst: camera traps shoot several pictures per trigger, so a person
/// in one picture only, at a middling confidence, is more often a shadow or a stump than a person in
/// three. Such a match is held until another picture of its burst confirms it (then it alerts as the
/// rule says) or the burst ends without one (then it alerts one severity lower, marked unconfirmed).
/// </summary>
public sealed class BurstConfirmation
{
    /// <summary>Matches at or above this confidence need no confirmation.</summary>
    public float Below { get; set; } = 0.8f;

    /// <summary>Pictures of a source taken less than this apart belong to one burst; also the longest an alert waits.</summary>
    public TimeSpan BurstGap { get; set; } = TimeSpan.FromSeconds(10);
}
