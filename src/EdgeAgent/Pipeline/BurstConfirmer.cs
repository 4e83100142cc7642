namespace EdgeAgent.Pipeline;

using EdgeAgent.Alerting.Rules;
using EdgeAgent.Recording;

/// <summary>
/// Camera-trap bursts, the pictures' counterpart of a video track: a picture whose alert comes from
/// a rule with <see cref="AlertRule.Confirm"/>, below its confidence, is held back — record and all,
/// so a crash meanwhile leaves the picture to be processed again, not an alert lost — until another
/// picture of its burst shows the same label at the rule's confidence (released as the rule says),
/// or a picture comes from after the burst, or the burst gap passes on the clock without one
/// (released one severity lower, marked unconfirmed). The delay it adds is at most the burst gap.
/// Not thread-safe: the observation stage's one thread owns it.
/// </summary>
public sealed class BurstConfirmer
{
    private readonly Dictionary<string, AlertRule> _rules;
    private readonly TimeProvider _time;
    private readonly List<Held> _held = [];
    private readonly TimeSpan _longestGap;
    private readonly Action<Alert>? _lowered;

    // Each source's recent pictures (capture time and the best confidence per label) within the longest gap: an earlier picture of the burst confirms too.
    private readonly Dictionary<string, List<(DateTimeOffset At, Dictionary<string, float> Labels)>> _recent = new(StringComparer.Ordinal);

    /// <summary>Confirms by burst for the rules that ask for it; <paramref name="lowered"/> is told of each alert released one severity lower.</summary>
    public BurstConfirmer(IEnumerable<AlertRule> rules, TimeProvider time, Action<Alert>? lowered = null)
    {
        _lowered = lowered;
        _rules = rules.Where(r => r.Confirm is not null).ToDictionary(r => r.Name, StringComparer.Ordinal);
        _longestGap = _rules.Count == 0 ? TimeSpan.Zero : _rules.Values.Max(r => r.Confirm!.BurstGap);
        _time = time;
    }

    /// <summary>When the first held picture must be released, or null when none is held.</summary>
    public DateTimeOffset? NextDeadline => _held.Count == 0 ? null : _held.Min(h => h.Deadline);

    /// <summary>How many pictures wait for their burst.</summary>
    public int HeldCount => _held.Count;

    /// <summary>
    /// Takes a camera-trap picture's record; returns the records to hand on now, in order: those it
    /// decides (released or confirmed), then this one unless it is held.
    /// </summary>
    public IReadOnlyList<FrameRecord> Take(FrameRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (_rules.Count == 0)
        {
            return [record];
        }

        var source = record.Frame.SourceId;
        var at = record.Frame.CapturedAt;
        var labels = record.Detections.GroupBy(d => d.Detection.Label, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Max(d => d.Detection.Confidence), StringComparer.Ordinal);
        var handOn = new List<FrameRecord>();
        foreach (var held in _held.Where(h => h.Record.Frame.SourceId == source).ToList())
        {
            if ((at - held.LastPicture).Duration() > held.Gap)
            {
                handOn.Add(Release(held));
                continue;
            }

            held.Pictures++;
            held.LastPicture = at > held.LastPicture ? at : held.LastPicture;
            foreach (var waiting in held.Waiting.Where(w => Shows(labels, w.Alert, w.Rule)))
            {
                held.SeenIn[waiting.Alert.Id]++;
            }

            if (held.SeenIn.Values.All(n => n > 1))
            {
                handOn.Add(Release(held));
            }
        }

        var recent = Recent(source, at);
        var evidence = new Dictionary<string, BurstEvidence>(StringComparer.Ordinal);
        var unconfirmed = new List<(Alert Alert, AlertRule Rule)>();
        foreach (var alert in record.Alerts)
        {
            if (!_rules.TryGetValue(alert.Rule, out var rule) || alert.Observation.Detection.Confidence >= rule.Confirm!.Below)
            {
                continue;
            }

            // Earlier pictures of the burst count as well: a person first seen at 0.9 then at 0.6 is confirmed at once.
            var burst = recent.Where(p => (at - p.At).Duration() <= rule.Confirm.BurstGap).ToList();
            var seenBefore = burst.Count(p => Shows(p.Labels, alert, rule));
            if (seenBefore > 0)
            {
                evidence[alert.Id] = new BurstEvidence(burst.Count + 1, seenBefore + 1, null);
            }
            else
            {
                unconfirmed.Add((alert, rule));
            }
        }

        recent.Add((at, labels));
        if (evidence.Count > 0)
        {
            record = record with { Alerts = record.Alerts.Select(a => evidence.TryGetValue(a.Id, out var e) ? a with { Burst = e } : a).ToList() };
        }

        if (unconfirmed.Count == 0)
        {
            handOn.Add(record);
            return handOn;
        }

        var gap = unconfirmed.Max(w => w.Rule.Confirm!.BurstGap);
        var now = _time.GetUtcNow();
        _held.Add(new Held(record, unconfirmed, gap, now, now + gap) { LastPicture = at });
        return handOn;
    }

    /// <summary>The held pictures whose wait is over by the clock, released unconfirmed.</summary>
    public IReadOnlyList<FrameRecord> Expired()
    {
        var now = _time.GetUtcNow();
        return _held.Where(h => h.Deadline <= now).ToList().Select(Release).ToList();
    }

    /// <summary>Every held picture, released as it stands: the agent is stopping.</summary>
    public IReadOnlyList<FrameRecord> ReleaseAll() => _held.ToList().Select(Release).ToList();

    private static bool Shows(Dictionary<string, float> labels, Alert alert, AlertRule rule) =>
        labels.TryGetValue(alert.Observation.Detection.Label, out var confidence) && confidence >= rule.MinConfidence;

    private List<(DateTimeOffset At, Dictionary<string, float> Labels)> Recent(string source, DateTimeOffset at)
    {
        if (!_recent.TryGetValue(source, out var recent))
        {
            _recent[source] = recent = [];
        }

        recent.RemoveAll(p => (at - p.At).Duration() > _longestGap);
        return recent;
    }

    private FrameRecord Release(Held held)
    {
        _held.Remove(held);
        Hosting.AgentMetrics.BurstHoldSeconds.Observe((_time.GetUtcNow() - held.HeldAt).TotalSeconds);
        var alerts = held.Record.Alerts.Select(a => held.SeenIn.TryGetValue(a.Id, out var seenIn)
            ? seenIn > 1
                ? a with { Burst = new BurstEvidence(held.Pictures, seenIn, null) }
                : Lowered(a with { Severity = Lower(a.Severity), Burst = new BurstEvidence(held.Pictures, seenIn, a.Severity) })
            : a).ToList();
        return held.Record with { Alerts = alerts };
    }

    private Alert Lowered(Alert alert)
    {
        _lowered?.Invoke(alert);
        return alert;
    }

    private static AlertSeverity Lower(AlertSeverity severity) => severity == AlertSeverity.Info ? severity : severity - 1;

    private sealed class Held(FrameRecord record, List<(Alert Alert, AlertRule Rule)> waiting, TimeSpan gap, DateTimeOffset heldAt, DateTimeOffset deadline)
    {
        public FrameRecord Record { get; } = record;

        /// <summary>The alerts that wait, with their rules.</summary>
        public List<(Alert Alert, AlertRule Rule)> Waiting { get; } = waiting;

        /// <summary>In how many pictures of the burst each waiting alert's label was seen.</summary>
        public Dictionary<string, int> SeenIn { get; } = waiting.ToDictionary(w => w.Alert.Id, _ => 1, StringComparer.Ordinal);

        public TimeSpan Gap { get; } = gap;

        public DateTimeOffset HeldAt { get; } = heldAt;

        public DateTimeOffset Deadline { get; } = deadline;

        public DateTimeOffset LastPicture { get; set; }

        public int Pictures { get; set; } = 1;
    }
}
