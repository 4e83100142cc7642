namespace EdgeAgent.Tests;

using EdgeAgent.Alerting.Observations;
using EdgeAgent.Recording;
using EdgeAgent.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

public sealed class RecordingTests
{
    [Fact]
    public void A_file_is_done_only_with_its_detections_and_counts_feed_the_trend()
    {
        using var folder = new TempFolder();
        var options = Options.Create(new RecordingOptions { DatabasePath = folder.File("records.db") });
        var file = new FileKey("CT-07", "IMG_0001.JPG", 1234, 5678);
        using (var store = new ObservationStore(options))
        {
            Assert.False(store.IsDone(file));
            store.Record(
                "CT-07",
                new DateTimeOffset(2026, 11, 26, 2, 14, 0, TimeSpan.Zero),
                new GeoPosition(-1.4, 35.1),
                [(new Detection("elephant", DetectionCategory.Animal, 0.9f, new BoundingBox(1, 2, 3, 4)), null), (new Detection("person", DetectionCategory.Person, 0.8f, default), "alert-1")],
                "snapshots/alert-1.jpg",
                file);
        }

        using var reopened = new ObservationStore(options);
        Assert.True(reopened.IsDone(file));
        Assert.False(reopened.IsDone(file with { Size = 9999 }));
        Assert.Equal([("2026-11-26", "animal", "elephant", 1), ("2026-11-26", "person", "person", 1)], reopened.CountsPerDay());
    }

    [Fact]
    public void Snapshots_are_pruned_by_age_and_by_budget()
    {
        using var folder = new TempFolder();
        var now = new DateTimeOffset(2026, 11, 26, 0, 0, 0, TimeSpan.Zero);
        var store = new SnapshotStore(
            Options.Create(new RecordingOptions { SnapshotFolder = folder.File("snapshots"), SnapshotMaxAge = TimeSpan.FromDays(30), SnapshotMaxMegabytes = 1 }),
            new FixedTime(now),
            NullLogger<SnapshotStore>.Instance);
        var old = store.Save("old", now.AddDays(-40), new byte[10])!;
        File.SetLastWriteTimeUtc(old, now.AddDays(-40).UtcDateTime);
        var paths = Enumerable.Range(0, 3).Select(i => store.Save($"big-{i}", now, new byte[400 * 1024])!).ToList();
        for (var i = 0; i < paths.Count; i++)
        {
            File.SetLastWriteTimeUtc(paths[i], now.AddMinutes(i - 10).UtcDateTime);
        }

        Assert.Equal(2, store.Prune());

        Assert.False(File.Exists(old));
        Assert.False(File.Exists(paths[0]));
        Assert.True(File.Exists(paths[1]) && File.Exists(paths[2]));
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
