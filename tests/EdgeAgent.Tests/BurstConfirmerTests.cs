namespace EdgeAgent.Tests;

using EdgeAgent.Common.Observations;
using EdgeAgent.Alerting.Rules;
using EdgeAgent.Placement;
using EdgeAgent.Recording;
using EdgeAgent.Sources;
using EdgeAgent.Pipeline;
using OpenCvSharp;

/// <summary>Burst confirmation on the records of pictures a test makes up, with a clock the test moves.</summary>
public sealed class BurstConfirmerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 26, 2, 14, 0, TimeSpan.Zero);

    private static readonly AlertRule Threats = new()
    {
        Name = "threats",
        Objects = ["person", "vehicle"],
        MinConfidence = 0.5f,
        Severity = AlertSeverity.Critical,
        Confirm = new BurstConfirmation { Below = 0.8f, BurstGap = TimeSpan.FromSeconds(10) },
    };

    private readonly Clock _clock = new(T0);

    [Fact]
    public void A_person_in_one_picture_of_a_burst_waits_for_the_burst_and_goes_out_one_severity_lower()
    {
        var bursts = new BurstConfirmer([Threats], _clock);

        Assert.Empty(bursts.Take(Picture(0, ("person", 0.6f, true))));
        _clock.Advance(1);
        var second = Picture(1);
        Assert.Equal([second], bursts.Take(second));
        _clock.Advance(1);
        Assert.Single(bursts.Take(Picture(2, ("zebra", 0.9f, false))));
        Assert.Equal(1, bursts.HeldCount);

        // The next trigger, a minute later, ends the burst.
        var released = bursts.Take(Picture(60));
        var alert = Assert.Single(released[0].Alerts);
        Assert.Equal(AlertSeverity.Warning, alert.Severity);
        Assert.Equal(new BurstEvidence(3, 1, AlertSeverity.Critical), alert.Burst);
        Assert.False(alert.Burst!.Confirmed);
        Assert.Equal(2, released.Count);
        Assert.Equal(0, bursts.HeldCount);
    }

    [Fact]
    public void Each_alert_released_one_severity_lower_is_told_to_whoever_keeps_the_cooldowns()
    {
        var lowered = new List<Alert>();
        var bursts = new BurstConfirmer([Threats], _clock, lowered.Add);

        bursts.Take(Picture(0, ("person", 0.6f, true)));
        Assert.Empty(lowered);
        var released = bursts.Take(Picture(60));

        Assert.Equal([released[0].Alerts[0]], lowered);
        Assert.Equal(AlertSeverity.Warning, lowered[0].Severity);

        // A confirmed one is not lowered and not told.
        bursts.Take(Picture(120, ("person", 0.6f, true)));
        bursts.Take(Picture(121, ("person", 0.7f, false)));
        Assert.Single(lowered);
    }

    [Fact]
    public void A_second_picture_of_the_burst_with_the_person_confirms_at_once_at_the_rules_severity()
    {
        var bursts = new BurstConfirmer([Threats], _clock);
        var first = Picture(0, ("person", 0.6f, true));

        Assert.Empty(bursts.Take(first));
        var released = bursts.Take(Picture(2, ("person", 0.55f, false)));

        Assert.Equal(2, released.Count);
        var alert = Assert.Single(released[0].Alerts);
        Assert.Same(first.Frame, released[0].Frame);
        Assert.Equal(AlertSeverity.Critical, alert.Severity);
        Assert.Equal(new BurstEvidence(2, 2, null), alert.Burst);
    }

    [Fact]
    public void A_person_below_the_rules_own_minimum_does_not_confirm()
    {
        var bursts = new BurstConfirmer([Threats], _clock);

        bursts.Take(Picture(0, ("person", 0.6f, true)));
        Assert.Empty(bursts.Take(Picture(1, ("person", 0.3f, false))).SelectMany(r => r.Alerts));
        Assert.Equal(1, bursts.HeldCount);
    }

    [Fact]
    public void When_no_further_picture_comes_the_wait_ends_after_the_burst_gap_on_the_clock()
    {
        var bursts = new BurstConfirmer([Threats], _clock);
        bursts.Take(Picture(0, ("person", 0.6f, true)));

        _clock.Advance(9.9);
        Assert.Equal(T0.AddSeconds(10), bursts.NextDeadline);
        Assert.Empty(bursts.Expired());
        _clock.Advance(0.1);
        var alert = Assert.Single(Assert.Single(bursts.Expired()).Alerts);

        Assert.Equal(AlertSeverity.Warning, alert.Severity);
        Assert.Null(bursts.NextDeadline);
    }

    [Fact]
    public void A_confident_person_is_not_held_and_an_earlier_picture_of_the_burst_confirms_a_later_one()
    {
        var bursts = new BurstConfirmer([Threats], _clock);
        var confident = Picture(0, ("person", 0.9f, true));
        Assert.Equal([confident], bursts.Take(confident));
        Assert.Null(Assert.Single(confident.Alerts).Burst);

        // Recorded at 0.7 but alerted by no rule (outside its zone, say), then alerted at 0.6 a second later.
        bursts.Take(Picture(20, ("person", 0.7f, false)));
        var later = Assert.Single(bursts.Take(Picture(21, ("person", 0.6f, true))));

        Assert.Equal(new BurstEvidence(2, 2, null), Assert.Single(later.Alerts).Burst);
        Assert.Equal(0, bursts.HeldCount);
    }

    [Fact]
    public void Pictures_of_another_camera_and_rules_without_confirmation_change_nothing()
    {
        var plain = new AlertRule { Name = "animals", Objects = ["animal"], Severity = AlertSeverity.Info };
        var bursts = new BurstConfirmer([Threats, plain], _clock);
        bursts.Take(Picture(0, ("person", 0.6f, true)));

        Assert.Single(bursts.Take(Picture(1, ("person", 0.9f, false)) with { Frame = Frame(1, "CT-08") }));
        var zebra = Picture(2, ("zebra", 0.6f, true)) with { };
        var alerts = bursts.Take(zebra with { Alerts = [zebra.Alerts[0] with { Rule = "animals" }] });

        Assert.Null(Assert.Single(Assert.Single(alerts).Alerts).Burst);
        Assert.Equal(1, bursts.HeldCount);
        Assert.Single(bursts.ReleaseAll());
    }

    private static FrameRecord Picture(double second, params (string Label, float Confidence, bool Alerted)[] seen)
    {
        var frame = Frame(second, "CT-07");
        var detections = seen.Select(s => new Detection(s.Label, s.Label == "zebra" ? DetectionCategory.Animal : DetectionCategory.Person, s.Confidence, new BoundingBox(10, 10, 50, 100))).ToList();
        var alerts = seen.Select((s, i) => (s, i)).Where(x => x.s.Alerted).Select(x =>
        {
            var observation = new Observation(frame.SourceId, frame.CapturedAt, null, detections[x.i], Subject: frame.File!.Value.Subject);
            return new Alert($"alert-{second}-{x.s.Label}", frame.CapturedAt, Threats.Severity, Threats.Name, observation, null, null, [], null);
        }).ToList();
        var placed = detections.Select(d => new PlacedDetection(d, new Placement(null, null, PlacedBy.Nowhere), alerts.FirstOrDefault(a => a.Observation.Detection == d)?.Id)).ToList();
        return new FrameRecord(frame, placed, RecordDetections: true, [], alerts);
    }

    private static Frame Frame(double second, string source) =>
        new(source, T0.AddSeconds(second), new Mat(), 1000, 1000, 1f, new FileKey(source, $"IMG_{second}.JPG", 1000, (long)(second * 1000)));

    private sealed class Clock(DateTimeOffset start) : TimeProvider
    {
        private DateTimeOffset _now = start;

        public void Advance(double seconds) => _now = _now.AddSeconds(seconds);

        public override DateTimeOffset GetUtcNow() => _now;
    }
}
