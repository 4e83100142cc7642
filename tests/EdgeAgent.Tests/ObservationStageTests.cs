namespace EdgeAgent.Tests;

using EdgeAgent.Alerting;
using EdgeAgent.Alerting.Geofencing;
using EdgeAgent.Common.Observations;
using EdgeAgent.Alerting.Outbox;
using EdgeAgent.Alerting.Rules;
using EdgeAgent.Alerting.Senders;
using EdgeAgent.Common;
using EdgeAgent.Detection;
using EdgeAgent.Hosting;
using EdgeAgent.Pipeline;
using EdgeAgent.Placement;
using EdgeAgent.Recording;
using EdgeAgent.Sources;
using EdgeAgent.Testing;
using EdgeAgent.Tracking;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OpenCvSharp;

/// <summary>
/// Post-process → place → decide on detections a test makes up, with the real zones, rules and
/// outbox (a real SQLite file) and a sender that only counts.
/// </summary>
public sealed class ObservationStageTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 26, 2, 14, 0, TimeSpan.Zero);

    // A zone from 5 m to 20 m east of the mast, which stands outside it.
    private const string Zones = """
        { "type": "FeatureCollection", "features": [
          { "type": "Feature", "properties": { "id": "core", "name": "Rhino core" },
            "geometry": { "type": "Polygon", "coordinates": [ [[35.100045,-1.4001],[35.10018,-1.4001],[35.10018,-1.3999],[35.100045,-1.3999],[35.100045,-1.4001]] ] } } ] }
        """;

    private readonly TempFolder _folder = new();
    private readonly List<IDisposable> _disposables = [];

    public void Dispose()
    {
        _disposables.ForEach(d => d.Dispose());
        _folder.Dispose();
    }

    [Fact]
    public void A_person_placed_in_the_zone_by_the_masts_pose_alerts_and_one_under_the_mast_does_not()
    {
        var stage = Stage();

        // 10 m up looking east 45° down, f = 500 px: the image centre is 10 m east (in the zone), the bottom edge under the mast.
        var inZone = stage.Observe(Detected(Picture(1), Person(450, 300, 100, 200)));
        var underMast = stage.Observe(Detected(Picture(2), Person(450, 800, 100, 200)));

        var alert = Assert.Single(inZone.Alerts);
        Assert.Equal("core", alert.ZoneId);
        Assert.Equal(PlacedBy.Ground, inZone.Detections[0].Placement.By);
        Assert.Equal(35.1000899590, alert.Observation.Position!.Value.Longitude, 9);
        Assert.Equal(alert.Id, inZone.Detections[0].AlertId);
        Assert.Empty(underMast.Alerts);
        Assert.Equal(35.1, underMast.Detections[0].Placement.Position!.Value.Longitude, 9);
    }

    [Fact]
    public void The_same_picture_seen_again_after_a_restart_raises_the_same_alert_id_and_the_cooldown_is_remembered()
    {
        // Decided, then the process dies before the write stage commits it.
        var first = Stage().Observe(Detected(Picture(1), Person(450, 300, 100, 200)));

        // A fresh process takes the same picture again: the same alert, by id.
        var again = Stage().Observe(Detected(Picture(1), Person(450, 300, 100, 200)));
        Assert.Equal(first.Alerts[0].Id, Assert.Single(again.Alerts).Id);
        Commit(again);

        // Once stored, the cooldown read back from the database holds back the next picture after another restart.
        var other = Stage().Observe(Detected(Picture(2), Person(450, 300, 100, 200)));
        Assert.Empty(other.Alerts);
    }

    [Fact]
    public void A_vehicle_on_a_real_pictures_information_band_is_not_recorded_or_alerted_and_a_person_reaching_into_it_is()
    {
        var stage = Stage();

        // A real camera-trap picture with a black band along its bottom edge.
        using var pixels = Cv2.ImRead(TestPaths.Picture(TestPaths.CameraTrap, "sn__domestic_cattle.jpg"));
        var (width, height) = (pixels.Width, pixels.Height);
        var band = Assert.Single(OverlayBandFinder.Find(pixels), b => b.Edge == PictureEdge.Bottom);
        var bandTop = height * (1 - band.Share);
        var frame = new Frame("MAST-1", T0, pixels.Clone(), width, height, 1f, new FileKey("MAST-1", "IMG_1.JPG", 1000, 1), Pose());
        _disposables.Add(frame);

        // The maker's logo, sticking a little above the band, taken for a car; a person at the bottom edge, partly behind the band.
        var logo = new Detection("car", DetectionCategory.Vehicle, 0.7f, new BoundingBox(width * 0.85f, bandTop - 8, width * 0.1f, height - bandTop));
        var person = Person(width * 0.45f, height * 0.55f, width * 0.1f, height * 0.45f);
        var record = stage.Observe(new DetectedFrame(frame, [logo, person]));

        var kept = Assert.Single(record.Detections);
        Assert.Equal("person", kept.Detection.Label);
        Assert.DoesNotContain(record.Alerts, a => a.Observation.Detection.Label == "car");

        // Set aside, it is recorded as suppressed for the report's data quality.
        Assert.Equal(new SuppressedDetection(logo, "overlay"), Assert.Single(record.Suppressed));
        Commit(record);
        var records = new RecordQueries(_folder.File("edge-agent.db"));
        var suppressed = records.Suppressed(T0.AddDays(-1), T0.AddDays(1));
        Assert.Equal(1, Assert.Single(suppressed!, s => s.Key == "overlay").Value);
    }

    [Fact]
    public void A_minute_of_video_of_one_animal_is_one_track_with_one_alert()
    {
        var stage = Stage();
        var records = Enumerable.Range(0, 300).Select(i =>
        {
            // Five frames a second, the zebra wandering a little.
            var frame = new Frame("MAST-1", T0.AddMilliseconds(200 * i), new Mat(), 1000, 1000, 1f, pose: Pose());
            var zebra = new Detection("zebra", DetectionCategory.Animal, 0.6f + (i % 5 / 100f), new BoundingBox(440 + (i % 7), 300, 100, 200));
            return stage.Observe(Detected(frame, zebra));
        }).ToList();

        Assert.Single(records.SelectMany(r => r.Tracks).Select(t => t.TrackId).Distinct());
        Assert.Equal(298, records.Sum(r => r.Tracks.Count));
        Assert.Single(records.SelectMany(r => r.Alerts));
        Assert.All(records, r => Assert.False(r.RecordDetections));

        Commit(records.ToArray());
        var count = Assert.Single(new RecordQueries(_folder.File("edge-agent.db")).CountsPerDay(TimeSpan.FromSeconds(10)));
        Assert.Equal(new DailyCount("2026-11-26", "animal", "zebra", 1, "tracks"), count);
    }

    [Fact]
    public void A_track_confirmed_before_the_drones_telemetry_came_is_decided_once_it_has_a_position()
    {
        var stage = Stage();
        var alerts = Enumerable.Range(0, 8).SelectMany(i =>
        {
            // The first five frames have no pose yet; the track is confirmed at the third.
            var frame = new Frame("MAST-1", T0.AddMilliseconds(200 * i), new Mat(), 1000, 1000, 1f, pose: i < 5 ? null : Pose());
            return stage.Observe(Detected(frame, Person(450, 300, 100, 200))).Alerts;
        }).ToList();

        Assert.Equal("core", Assert.Single(alerts).ZoneId);
    }

    [Fact]
    public async Task Detection_events_leave_after_the_commit_so_a_picture_taken_again_after_a_crash_announces_them_once()
    {
        // No broker: events wait in the connection's queue, where they can be counted.
        var mqtt = new MqttConnection(Options.Create(new MqttOptions { Host = "127.0.0.1" }), Options.Create(new AlertingOptions()), NullLogger<MqttConnection>.Instance);

        // Decided, then the process dies before the write stage commits: nothing was announced.
        var lost = Stages(mqtt).Observation.Observe(Detected(Picture(1), Person(450, 300, 100, 200)));
        Assert.Single(lost.Observed);
        Assert.Equal(0, mqtt.QueuedEvents);

        // The next process takes the picture again and commits it: announced once.
        var (stage, writer, _) = Stages(mqtt);
        await writer.StartAsync(CancellationToken.None);
        using var pixels = new Mat(1000, 1000, MatType.CV_8UC3, Scalar.All(90));
        var frame = new Frame("MAST-1", T0.AddSeconds(1), pixels, 1000, 1000, 1f, new FileKey("MAST-1", "IMG_1.JPG", 1000, 1), Pose());
        await writer.EnqueueAsync(stage.Observe(Detected(frame, Person(450, 300, 100, 200))), CancellationToken.None);
        writer.Complete();
        await frame.Done.WaitAsync(TimeSpan.FromSeconds(30));
        await writer.StopAsync(CancellationToken.None);
        Assert.Equal(1, mqtt.QueuedEvents);
    }

    [Fact]
    public async Task An_alert_whose_picture_cannot_be_drawn_is_stored_without_it_and_the_write_stage_goes_on()
    {
        var (stage, writer, outbox) = Stages();
        await writer.StartAsync(CancellationToken.None);
        var broken = Picture(1); // no pixels to draw on
        using var pixels = new Mat(1000, 1000, MatType.CV_8UC3, Scalar.All(90));
        var next = new Frame("MAST-1", T0.AddSeconds(2), pixels, 1000, 1000, 1f, new FileKey("MAST-1", "IMG_2.JPG", 1000, 2), Pose());
        await writer.EnqueueAsync(stage.Observe(Detected(broken, Person(450, 300, 100, 200))), CancellationToken.None);
        await writer.EnqueueAsync(stage.Observe(Detected(next, Person(450, 300, 100, 200))), CancellationToken.None);
        writer.Complete();
        await next.Done.WaitAsync(TimeSpan.FromSeconds(30));
        await writer.StopAsync(CancellationToken.None);

        Assert.True(broken.Done.IsCompleted);
        var entry = Assert.Single(await outbox.ListAsync());
        Assert.Null(entry.Alert.Observation.Picture);
    }

    [Fact]
    public async Task The_write_stage_commits_then_completes_the_frame_with_the_annotated_picture_in_the_alert_and_a_snapshot()
    {
        var (stage, writer, outbox) = Stages();
        await writer.StartAsync(CancellationToken.None);
        using var pixels = Cv2.ImRead(TestPaths.Picture(TestPaths.CameraTrap, "sn__human.jpg"));
        var frame = new Frame("MAST-1", T0, pixels.Resize(new Size(1000, 1000)), 1000, 1000, 1f, new FileKey("MAST-1", "IMG_1.JPG", 1, 1), Pose());
        var record = stage.Observe(Detected(frame, Person(450, 300, 100, 200)));
        Assert.False(frame.Done.IsCompleted);

        await writer.EnqueueAsync(record, CancellationToken.None);
        writer.Complete();
        await frame.Done.WaitAsync(TimeSpan.FromSeconds(30));
        await writer.StopAsync(CancellationToken.None);

        var entry = Assert.Single(await outbox.ListAsync());
        Assert.Equal(record.Alerts[0].Id, entry.Id);
        var jpeg = entry.Alert.Observation.Picture!;
        Assert.Equal([0xFF, 0xD8], jpeg[..2]);
        var snapshot = Assert.Single(Directory.GetFiles(_folder.File("snapshots"), "*.jpg", SearchOption.AllDirectories));
        Assert.Equal($"{entry.Id}.jpg", Path.GetFileName(snapshot));
        Assert.Equal(jpeg, await File.ReadAllBytesAsync(snapshot));
        using var database = new RecordDatabase(Options.Create(new DatabaseOptions { Path = _folder.File("edge-agent.db") }));
        Assert.True(database.IsDone(frame.File!.Value));
    }

    private static Detection Person(float x, float y, float width, float height) => new("person", DetectionCategory.Person, 0.9f, new BoundingBox(x, y, width, height));

    private static CameraPose Pose() => new(new GeoPosition(-1.4, 35.1), 10, 90, 45, 0, 90);

    private static Frame Picture(int n) => new("MAST-1", T0.AddSeconds(n), new Mat(), 1000, 1000, 1f, new FileKey("MAST-1", $"IMG_{n}.JPG", 1000, n), Pose());

    private static DetectedFrame Detected(Frame frame, Detection detection) => new(frame, [detection]);

    private void Commit(params FrameRecord[] records)
    {
        using var database = new RecordDatabase(Options.Create(new DatabaseOptions { Path = _folder.File("edge-agent.db") }));
        database.Write(records, ["email"], T0);
    }

    private ObservationStage Stage() => Stages().Observation;

    private (ObservationStage Observation, RecordWriter Writer, AlertOutbox Outbox) Stages(MqttConnection? mqtt = null)
    {
        File.WriteAllText(_folder.File("zones.geojson"), Zones);
        var geofencing = new GeofencingOptions { ZonesFile = _folder.File("zones.geojson") };
        var database = Options.Create(new DatabaseOptions { Path = _folder.File("edge-agent.db") });
        var time = new FixedTime(T0.AddMinutes(1));
        var outbox = new AlertOutbox(database, time);
        var rule = new AlertRule { Name = "people-in-core", Objects = ["person", "zebra"], Where = ZoneScope.Inside, Zones = ["core"], Severity = AlertSeverity.Critical, Cooldown = TimeSpan.FromMinutes(10) };
        var rules = new RuleEngine(Options.Create(new AlertingOptions { Rules = [rule] }), time, NullLogger<RuleEngine>.Instance, outbox);
        var raiser = new AlertRaiser(ZoneMap.Load(geofencing), new CameraRegistry(Options.Create(geofencing)), rules, outbox, [new CountingSender()], NullLogger<AlertRaiser>.Instance, mqtt);
        var records = new RecordDatabase(database);
        _disposables.Add(records);
        var recording = Options.Create(new RecordingOptions { SnapshotFolder = _folder.File("snapshots") });
        var writer = new RecordWriter(records, new SnapshotStore(recording, time, NullLogger<SnapshotStore>.Instance), outbox, raiser, time, NullLogger<RecordWriter>.Instance);
        var observation = new ObservationStage(
            new Resequencer(4), writer, raiser, Options.Create(new SourcesOptions()), Options.Create(new TrackingOptions { Inertia = 3 }), recording,
            Options.Create(new AlertingOptions { Rules = [rule] }), new SourceActivity(time), time, NullLogger<ObservationStage>.Instance);
        return (observation, writer, outbox);
    }

    private sealed class CountingSender : IAlertSender
    {
        public string Channel => "email";

        public Task<string> SendAsync(Alert alert, CancellationToken cancellationToken) => Task.FromResult("250 OK");
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
