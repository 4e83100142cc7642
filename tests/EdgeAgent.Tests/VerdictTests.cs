namespace EdgeAgent.Tests;

using EdgeAgent.Alerting.Rules;
using EdgeAgent.Common;
using EdgeAgent.Common.Observations;
using EdgeAgent.Detection;
using EdgeAgent.Pipeline;
using EdgeAgent.Recording;
using EdgeAgent.Testing;
using EdgeAgent.Verdicts;
using Microsoft.Extensions.Options;

/// <summary>Rangers' verdicts on alerts, in a real records database, on a clock the test moves.</summary>
public sealed class VerdictTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 26, 2, 14, 0, TimeSpan.Zero);
    private static readonly BoundingBox Stump = new(100, 200, 50, 120);

    [Fact]
    public void Not_a_threat_sets_aside_the_same_label_at_the_same_place_of_that_camera_until_it_lapses_or_is_undone()
    {
        using var folder = new TempFolder();
        var database = Options.Create(new DatabaseOptions { Path = folder.File("edge-agent.db") });
        using (new RecordDatabase(database))
        {
            // The agent's own database, made as the daemon makes it.
        }

        var clock = new Clock(T0);
        var store = new VerdictStore(database, Options.Create(new VerdictOptions { SuppressFor = TimeSpan.FromDays(7), MinIou = 0.5f }), clock);
        var person = new Detection("person", DetectionCategory.Person, 0.7f, Stump);
        var alert = new Alert("a1", T0, AlertSeverity.Critical, "poachers", new Observation("CT-07", T0, null, person, Subject: "file:IMG_0001.JPG:10:20"), "rhino", "Rhino", [], null);
        Func<Detection, bool> Dismissed(string source) => d => store.Dismisses(source, d);

        var verdict = store.Give(alert, threat: false, "station page, 10.0.0.7");
        Assert.Equal(T0.AddDays(7), verdict.Until);

        // The same label at nearly the same place of that camera is set aside, with its reason; a moved box, another label, another camera are not.
        var again = person with { Box = Stump.Offset(5, 5) };
        var post = PicturePostProcessor.Apply([again, person with { Box = Stump.Offset(200, 0) }, again with { Label = "car", Category = DetectionCategory.Vehicle }], null, 1000, 800, DetectionMask.None, dismissed: Dismissed("CT-07"));
        Assert.Equal(PicturePostProcessor.Dismissed, Assert.Single(post.Suppressed).Reason);
        Assert.Equal(2, post.Kept.Count);
        Assert.False(store.Dismisses("CT-08", again));

        // The page shows it on its alert; a week later it no longer holds.
        Assert.Equal(verdict.Id, store.Of(["a1", "a2"])["a1"].Id);
        clock.Advance(TimeSpan.FromDays(7).Add(TimeSpan.FromSeconds(1)));
        Assert.False(store.Dismisses("CT-07", again));

        // Given again and undone: it no longer holds, and its row says who took it back.
        var second = store.Give(alert, threat: false, "command line, ranger");
        Assert.True(store.Dismisses("CT-07", again));
        Assert.True(store.Undo(second.Id, "station page, 10.0.0.9"));
        Assert.False(store.Undo(second.Id, "station page, 10.0.0.9"));
        Assert.False(store.Dismisses("CT-07", again));
        var all = store.All();
        Assert.Equal(["station page, 10.0.0.7", "command line, ranger"], all.Select(v => v.By));
        Assert.Equal("station page, 10.0.0.9", all[1].UndoneBy);

        // "It was a threat" is kept for evaluation and suppresses nothing.
        store.Give(alert, threat: true, "command line, ranger");
        Assert.False(store.Dismisses("CT-07", again));
        Assert.True(store.Of(["a1"])["a1"].Threat);
    }

    private sealed class Clock(DateTimeOffset start) : TimeProvider
    {
        private DateTimeOffset _now = start;

        public void Advance(TimeSpan by) => _now += by;

        public override DateTimeOffset GetUtcNow() => _now;
    }
}
