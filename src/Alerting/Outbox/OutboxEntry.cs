namespace EdgeAgent.Alerting.Outbox;

using EdgeAgent.Alerting.Rules;

/// <summary>Where an entry is on its way out.</summary>
public enum OutboxState
{
    Pending,
    Sending,
    Sent,
    Failed,
}

/// <summary>One alert on one channel, as stored.</summary>
public sealed record OutboxEntry(
    string Id, string Channel, OutboxState State, int Attempts, DateTimeOffset NextAttemptAt, string? LastError, DateTimeOffset CreatedAt, DateTimeOffset? SentAt, Alert Alert,
    string? Reply = null);
