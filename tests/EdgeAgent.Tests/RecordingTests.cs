namespace EdgeAgent.Tests;

using EdgeAgent.Common.Observations;
using EdgeAgent.Alerting.Outbox;
using EdgeAgent.Alerting.Rules;
using EdgeAgent.Common;
using EdgeAgent.Placement;
using EdgeAgent.Recording;
using EdgeAgent.Sources;
using EdgeAgent.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OpenCvSharp;

public sealed class RecordingTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 26, 2, 14, 0, TimeSpan.Zero);

    [Fact]
    public void A_file_is_done_only_with_its_detections_and_alerts_and_an_alert_is_stored_once()
    {
        using var folder = new TempFolder();
        var options = Options.Create(new DatabaseOptions { Path = folder.File("edge-agent.db") });
        var file = new FileKey("CT-07", "IMG_0001.JPG", 1234, 5678);
        var person = new Detection("person", DetectionCategory.Person, 0.8f, new BoundingBox(1, 2, 3, 4));
        var alert = new Alert(
            Alert.IdFor("CT-07", file.Subject, "poachers", "person", "rhino"), T0, AlertSeverity.Critical, "poachers",
            new Observation("CT-07", T0, new GeoPosition(-1.4, 35.1), person, [0xFF, 0xD8], Subject: file.Subject), "rhino", "Rhino", [], null);
        using var frame = new Frame("CT-07", T0, new Mat(), 100, 100, 1f, file);
        var record = new FrameRecord(
            frame,
            [new PlacedDetection(new Detection("elephant", DetectionCategory.Animal, 0.9f, default), new Placement(new GeoPosition(-1.4, 35.1), 30, PlacedBy.Camera)),
             new PlacedDetection(person, new Placement(new GeoPosition(-1.4, 35.1), 30, PlacedBy.Camera), alert.Id)],
            RecordDetections: true,
            [],
            [alert]);
        using (var records = new RecordDatabase(options))
        {
            Assert.False(records.IsDone(file));
            var stored = records.Write([record with { Picture = "snapshots/a.jpg" }], ["email"], T0);
            Assert.True(stored[alert.Id]);
        }

        using var reopened = new RecordDatabase(options);
        Assert.True(reopened.IsDone(file));
        Assert.False(reopened.IsDone(file with { Size = 9999 }));

        // The same picture processed again (after a crash before its file was moved): the same id, no second alert.
        Assert.False(reopened.Write([record], ["email"], T0)[alert.Id]);
        var outbox = new AlertOutbox(options, TimeProvider.System);
        var entry = Assert.Single(outbox.RaisedSince(T0.AddHours(-1)));
        Assert.Equal(alert.Id, entry.Id);
    }

    [Fact]
    public void Counts_are_tracks_for_video_and_bursts_for_camera_traps()
    {
        using var folder = new TempFolder();
        using var records = new RecordDatabase(Options.Create(new DatabaseOptions { Path = folder.File("edge-agent.db") }));
        var placement = new Placement(null, null, PlacedBy.Nowhere);
        var zebra = new Detection("zebra", DetectionCategory.Animal, 0.7f, default);

        // Camera trap: a burst of three pictures 2 s apart, then another picture a minute later.
        var pictures = new[] { 0, 2, 4, 64 }.Select(s =>
        {
            var frame = new Frame("CT-07", T0.AddSeconds(s), new Mat(), 100, 100, 1f, new FileKey("CT-07", $"{s}.jpg", 1, s));
            return new FrameRecord(frame, [new PlacedDetection(zebra, placement)], true, [], []);
        }).ToList();

        // Video: one zebra seen in 300 frames (a minute at 5 frames a second) is one track.
        var video = Enumerable.Range(0, 300).Select(i =>
        {
            var frame = new Frame("mast-1", T0.AddMilliseconds(200 * i), new Mat(), 100, 100, 1f);
            return new FrameRecord(frame, [], false, [new TrackSighting("t1", zebra with { Confidence = 0.5f + (i % 7 / 100f) }, placement, T0, i % 7 == 0, null)], []);
        }).ToList();
        records.Write(pictures.Concat(video).ToList(), [], T0);

        Assert.Equal(
            [new DailyCount("2026-11-26", "animal", "zebra", 2, "bursts"), new DailyCount("2026-11-26", "animal", "zebra", 1, "tracks")],
            new RecordQueries(folder.File("edge-agent.db")).CountsPerDay(TimeSpan.FromSeconds(10)));
        pictures.Concat(video).ToList().ForEach(r => r.Frame.Dispose());
    }

    [Fact]
    public void Bursts_of_cameras_that_trigger_at_the_same_moments_are_told_apart_and_count_each_picture_once()
    {
        using var folder = new TempFolder();
        using var records = new RecordDatabase(Options.Create(new DatabaseOptions { Path = folder.File("edge-agent.db") }));
        var placement = new Placement(null, null, PlacedBy.Nowhere);
        var zebra = new Detection("zebra", DetectionCategory.Animal, 0.7f, default);
        FrameRecord Picture(string camera, string name, int second, int zebras) => new(
            new Frame(camera, T0.AddSeconds(second), new Mat(), 100, 100, 1f, new FileKey(camera, name, 1, second)),
            Enumerable.Repeat(new PlacedDetection(zebra, placement), zebras).ToList(), true, [], []);

        // CT-07: three pictures within 3 s, two of them stamped the same second (a camera with whole-second
        // EXIF times), written as they arrive, between CT-08's; CT-08: two bursts, 20 s apart.
        var pictures = new[]
        {
            Picture("CT-07", "a.jpg", 0, 1), Picture("CT-08", "x.jpg", 0, 1), Picture("CT-07", "b.jpg", 2, 3),
            Picture("CT-08", "y.jpg", 20, 2), Picture("CT-07", "c.jpg", 2, 2),
        };
        records.Write(pictures, [], T0);

        var sightings = new RecordQueries(folder.File("edge-agent.db"))
            .Sightings(T0.AddMinutes(-1), T0.AddMinutes(1), TimeSpan.FromSeconds(10), 0).OrderBy(s => s.SourceId).ThenBy(s => s.Start).ToList();

        Assert.Equal(
            [("CT-07", 0, 3, 3), ("CT-08", 0, 1, 1), ("CT-08", 20, 1, 2)],
            sightings.Select(s => (s.SourceId, (int)(s.Start - T0).TotalSeconds, s.Pictures, s.Count)));
        Array.ForEach(pictures, p => p.Frame.Dispose());
    }

    [Fact]
    public void Within_a_flight_an_animal_seen_again_at_the_same_place_counts_once()
    {
        using var folder = new TempFolder();
        using var records = new RecordDatabase(Options.Create(new DatabaseOptions { Path = folder.File("edge-agent.db") }));
        var zebra = new Detection("zebra", DetectionCategory.Animal, 0.7f, default);
        const double MetresPerDegree = Math.PI / 180 * GroundProjection.EarthRadius;
        FrameRecord Track(string id, double northMetres, PlacedBy by = PlacedBy.Ground)
        {
            var frame = new Frame("DRONE-1", T0, new Mat(), 100, 100, 1f);
            var placement = new Placement(new GeoPosition(-1.4 + (northMetres / MetresPerDegree), 35.1), 5, by);
            var flight = id.StartsWith("first", StringComparison.Ordinal) ? T0 : T0.AddHours(1);
            return new FrameRecord(frame, [], false, [new TrackSighting(id, zebra, placement, T0.AddSeconds(northMetres), true, null) { Flight = flight }], []);
        }

        // One flight: the zebra seen, lost, seen again 5 m away (the same animal), and another 50 m away;
        // a second flight over the first spot; and a track only placed at the camera.
        var batch = new[]
        {
            Track("first-1", 0), Track("first-2", 5), Track("first-3", 50),
            Track("second-1", 0), Track("second-2", 1, PlacedBy.Camera),
        };
        records.Write(batch, [], T0);

        var queries = new RecordQueries(folder.File("edge-agent.db"));
        Assert.Equal(4, Assert.Single(queries.CountsPerDay(TimeSpan.FromSeconds(10), sameAnimalWithin: 10)).Count);
        Assert.Equal(5, Assert.Single(queries.CountsPerDay(TimeSpan.FromSeconds(10), sameAnimalWithin: 0)).Count);
        batch.ToList().ForEach(r => r.Frame.Dispose());
    }

    [Fact]
    public void A_database_of_an_earlier_version_gets_its_tracks_flights_from_their_ids_and_counts_and_export_never_write()
    {
        using var folder = new TempFolder();
        var path = folder.File("edge-agent.db");

        // The tracks table as earlier versions wrote it: the flight only at the head of the track id.
        using (var old = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Pooling=False"))
        {
            old.Open();
            using var create = old.Command(RecordSchema.Tables.Replace("flight_started TEXT,", "", StringComparison.Ordinal) + """
                INSERT INTO tracks (source_id, track_id, label, category, first_seen, last_seen, frames, best_confidence, x, y, width, height,
                    latitude, longitude, uncertainty_m, placed_by, snapshot, alert_id) VALUES ('DRONE-1', '20261126T021400250-7', 'zebra', 'animal', '2026-11-26T02:15:00.0000000Z', '2026-11-26T02:16:00.0000000Z',
                    10, 0.8, 1, 2, 3, 4, -1.4, 35.1, 5, 'ground', NULL, NULL);
                """);
            create.ExecuteNonQuery();
            Assert.False(old.HasColumn("tracks", "flight_started"));
        }

        // The read side refuses it rather than change it; the write store brings it up to date.
        Assert.Contains("flight_started", Assert.Throws<ConfigurationException>(() => new RecordQueries(path)).Message, StringComparison.Ordinal);
        new RecordDatabase(Options.Create(new DatabaseOptions { Path = path })).Dispose();
        var animal = Assert.Single(new RecordQueries(path).Animals(0));
        Assert.Equal(new DateTimeOffset(2026, 11, 26, 2, 14, 0, 250, TimeSpan.Zero), animal.Flight);

        // Read-only: the file is not touched by a read.
        var written = File.GetLastWriteTimeUtc(path);
        _ = new RecordQueries(path).CountsPerDay(TimeSpan.FromSeconds(10));
        Assert.Equal(written, File.GetLastWriteTimeUtc(path));
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
