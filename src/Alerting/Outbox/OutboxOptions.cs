namespace EdgeAgent.Alerting.Outbox;


/// <summary>Configuration section <c>Outbox</c>: how hard delivery is tried. Alerts wait in the agent's database (<c>Database:Path</c>).</summary>
public sealed class OutboxOptions : IOptionsSection
{
    /// <summary>The section's name.</summary>
    public static string SectionName => "Outbox";

    /// <summary>Attempts per alert and channel before it is marked failed. With the default delays, 40 attempts span about three hours.</summary>
    public int MaxAttempts { get; set; } = 40;

    /// <summary>Wait before the second attempt; it doubles with each failure.</summary>
    public TimeSpan InitialRetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The longest wait between attempts.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Sent alerts (with their pictures) are deleted from the outbox this long after they were stored; the records keep what was seen.</summary>
    public TimeSpan KeepSent { get; set; } = TimeSpan.FromDays(30);

    /// <inheritdoc />
    public IEnumerable<string> Problems()
    {
        if (KeepSent < TimeSpan.FromHours(1))
        {
            yield return $"Outbox:KeepSent: {KeepSent} must be at least an hour (cooldowns and duplicate alerts are judged from the outbox)";
        }

        if (MaxAttempts < 1)
        {
            yield return $"Outbox:MaxAttempts: {MaxAttempts} must be at least 1";
        }

        if (InitialRetryDelay <= TimeSpan.Zero || MaxRetryDelay < InitialRetryDelay)
        {
            yield return $"Outbox:InitialRetryDelay/MaxRetryDelay: need 0 < {InitialRetryDelay} ≤ {MaxRetryDelay}";
        }
    }
}
