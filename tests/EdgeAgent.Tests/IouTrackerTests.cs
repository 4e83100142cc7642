namespace EdgeAgent.Tests;

using EdgeAgent.Common.Observations;
using EdgeAgent.Tracking;

public sealed class IouTrackerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 26, 2, 14, 0, TimeSpan.Zero);

    private static List<Detection> Confirmed(IReadOnlyList<TrackedDetection> tracked) => tracked.Where(t => t.JustConfirmed).Select(t => t.Detection).ToList();

    private static Detection Zebra(float x) => new("zebra", DetectionCategory.Animal, 0.8f, new BoundingBox(x, 100, 100, 80));

    [Fact]
    public void An_animal_crossing_the_frame_is_one_observation_after_the_inertia()
    {
        var tracker = new IouTracker(new TrackingOptions { Inertia = 3 });
        var confirmed = new List<Detection>();
        for (var frame = 0; frame < 10; frame++)
        {
            confirmed.AddRange(Confirmed(tracker.Update([Zebra(10 + (frame * 20))], T0.AddMilliseconds(200 * frame))));
        }

        var only = Assert.Single(confirmed);
        Assert.Equal(50f, only.Box.X);
        Assert.Equal(1, tracker.Count);
    }

    [Fact]
    public void A_one_frame_flicker_never_counts()
    {
        var tracker = new IouTracker(new TrackingOptions { Inertia = 2 });
        Assert.Empty(Confirmed(tracker.Update([Zebra(10)], T0)));
        Assert.Empty(Confirmed(tracker.Update([], T0.AddSeconds(1))));
        Assert.Empty(Confirmed(tracker.Update([Zebra(500)], T0.AddSeconds(1.2))));
    }

    [Fact]
    public void A_track_lost_longer_than_its_max_age_starts_anew()
    {
        var tracker = new IouTracker(new TrackingOptions { Inertia = 2, MaxAge = TimeSpan.FromSeconds(2) });
        tracker.Update([Zebra(10)], T0);
        Assert.Single(Confirmed(tracker.Update([Zebra(12)], T0.AddSeconds(0.2))));

        Assert.Empty(Confirmed(tracker.Update([Zebra(14)], T0.AddSeconds(5))));
        Assert.Single(Confirmed(tracker.Update([Zebra(16)], T0.AddSeconds(5.2))));
    }

    [Fact]
    public void Two_animals_side_by_side_are_two_tracks()
    {
        var tracker = new IouTracker(new TrackingOptions { Inertia = 2 });
        tracker.Update([Zebra(10), Zebra(400)], T0);
        Assert.Equal(2, Confirmed(tracker.Update([Zebra(15), Zebra(405)], T0.AddSeconds(0.2))).Count);
        Assert.Equal(2, tracker.Count);
    }
}
