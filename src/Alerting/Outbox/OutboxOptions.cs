namespace EdgeAgent.Alerting.Outbox;

/// <summary>Configuration section <c>Outbox</c>: where alerts wait and how hard delivery is tried.</summary>
public sealed class OutboxOptions : ISelfValidating
{
    /// <summary>The section's name.</summary>
    public const string SectionName = "Outbox";

    /// <summary>The SQLite file. Default: <c>outbox.db</c> in systemd's state directory, else in the working folder.</summary>
    public string Path { get; set; } = System.IO.Path.Combine(Environment.GetEnvironmentVariable("STATE_DIRECTORY") ?? ".", "outbox.db");

    /// <summary>Attempts per alert and channel before it is marked failed. With the default delays, 40 attempts span about three hours.</summary>
    public int MaxAttempts { get; set; } = 40;

    /// <summary>Wait before the second attempt; it doubles with each failure.</summary>
    public TimeSpan InitialRetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The longest wait between attempts.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <inheritdoc />
    public IEnumerable<string> Problems()
    {
        if (string.IsNullOrWhiteSpace(Path))
        {
            yield return "Outbox:Path: must name a file";
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
