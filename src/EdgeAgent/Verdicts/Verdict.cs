namespace EdgeAgent.Verdicts;

using EdgeAgent.Common.Observations;

/// <summary>
/// A person's word on an alert: whether it was a threat, who said so and when, and what the alert
/// was about (its camera, label, category and box). "Not a threat" keeps the same label at the same place of
/// that camera from alerting until <see cref="Until"/>, unless it is undone.
/// </summary>
public sealed record Verdict(
    long Id, string AlertId, bool Threat, string By, DateTimeOffset At, string SourceId, string Label, DetectionCategory Category, BoundingBox Box, string? Subject,
    DateTimeOffset? Until, DateTimeOffset? UndoneAt, string? UndoneBy)
{
    /// <summary>Whether it keeps detections from alerting at <paramref name="now"/>.</summary>
    public bool Suppresses(DateTimeOffset now) => !Threat && UndoneAt is null && Until > now;
}
