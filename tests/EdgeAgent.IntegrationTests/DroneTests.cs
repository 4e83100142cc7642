namespace EdgeAgent.IntegrationTests;

using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using EdgeAgent.IntegrationTests.Servers;
using EdgeAgent.Testing;
using Microsoft.Data.Sqlite;

/// <summary>
/// A drone's recorded flight (a video and its DJI subtitles) through the daemon: each detection is
/// placed where the camera saw it on the ground, and the zone decides on that point, not on where
/// the aircraft is.
/// </summary>
public sealed class DroneTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    // Both hovers are inside the rhino zone, 11 m south of its northern edge (latitude −1.2).
    [Theory]
    [InlineData(180, true)]
    [InlineData(0, false)]
    public async Task A_person_placed_by_the_drones_pose_alerts_only_when_the_ground_point_is_in_the_zone(int gimbalYaw, bool alerts)
    {
        using var folder = new TempFolder();
        await using var smtp = await Smtp4dev.StartNewAsync();
        var stream = await RecordedFlightAsync(folder, gimbalYaw);
        var config = DaemonTests.DaemonConfig(folder, smtp, null, streams: new JsonArray(stream));
        using var agent = new RunningAgent(Process.Start(AgentProcess.StartInfo("run", "--config", config))!);
        await agent.WaitForErrorAsync("Stream DRONE-1: the recorded file ended", Patience);

        using var db = new SqliteConnection($"Data Source={folder.File("state/edge-agent.db")};Mode=ReadOnly");
        db.Open();
        using var select = db.CreateCommand();
        select.CommandText = "SELECT latitude, longitude, placed_by FROM tracks WHERE label = 'person'";
        using (var reader = select.ExecuteReader())
        {
            Assert.True(reader.Read(), "no person track: " + agent.Error);
            var (latitude, longitude, placedBy) = (reader.GetDouble(0), reader.GetDouble(1), reader.GetString(2));
            Assert.Equal("ground", placedBy);

            // About 112 m from the point under the drone, along the gimbal's yaw.
            var north = (latitude - -1.2001) * 111_195;
            Assert.InRange(Math.Abs(north), 90, 140);
            Assert.Equal(alerts ? -1 : 1, Math.Sign(north));
            // Right of the picture's centre: east when the camera looks north, west when it looks south.
            Assert.InRange((longitude - 35.1) * 111_195 * (gimbalYaw == 0 ? 1 : -1), 10, 60);

            // The flight on a map: the track as a GeoJSON point, [longitude, latitude].
            var (code, geojson, stderr) = await AgentProcess.RunAsync("export", "--config", config, "--source", "DRONE-1");
            Assert.True(code == 0, stderr);
            var feature = Assert.Single(JsonNode.Parse(geojson)!["features"]!.AsArray(), f => (string?)f!["properties"]!["label"] == "person")!;
            Assert.Equal("track", (string?)feature["properties"]!["kind"]);
            Assert.Equal(Math.Round(longitude, 7), (double)feature["geometry"]!["coordinates"]![0]!);
            Assert.Equal(Math.Round(latitude, 7), (double)feature["geometry"]!["coordinates"]![1]!);

            // Per flight and zone: one person, in the rhino zone or outside every zone.
            (code, var csv, stderr) = await AgentProcess.RunAsync("counts", "--config", config, "--flights");
            Assert.True(code == 0, stderr);
            var rows = csv.Trim().Split('\n');
            Assert.Equal("source,flight_started,label,zone_id,zone,animals,taxon,scientific_name,taxon_rank", rows[0]);
            var person = Assert.Single(rows, r => r.Contains("\"person\"", StringComparison.Ordinal));
            Assert.EndsWith(alerts ? "\"rhino\",\"Rhino Sanctuary\",1,,," : "\"\",\"\",1,,,", person, StringComparison.Ordinal);
        }

        var alertCount = DaemonTests.Scalar(db, "SELECT COUNT(*) FROM outbox");
        if (alerts)
        {
            Assert.Equal(1, alertCount);
            var mail = Assert.Single(await smtp.WaitForMessagesAsync(1, Patience));
            Assert.StartsWith("[ALERT] person in Rhino Sanctuary — camera DRONE-1", mail.Subject, StringComparison.Ordinal);
            Assert.Contains("Camera at: -1.2001, 35.1, 100 m above the ground, looking 180° from north, 30° down", mail.TextBody, StringComparison.Ordinal);
        }
        else
        {
            // The aircraft is in the zone, the person it sees is not.
            Assert.Equal(0, alertCount);
        }
    }

    [Fact]
    public async Task A_recorded_flight_is_read_whole_on_the_videos_clock()
    {
        using var folder = new TempFolder();

        var metricsPort = FreePort.Next();
        var config = AgentConfig.Write(folder, await EveryFrameFlightAsync(folder, metricsPort));
        using var agent = new RunningAgent(Process.Start(AgentProcess.StartInfo("run", "--config", config))!);
        await agent.WaitForErrorAsync("Stream DRONE-1: the recorded file ended", Patience);

        // The last frame committed: the person's track (the most confident; tiles also see small
        // figures in the background) reaches the video's last frame.
        const string Person = "FROM tracks WHERE label = 'person' ORDER BY best_confidence DESC LIMIT 1";
        const string Span = $"SELECT CAST(ROUND((julianday(last_seen) - julianday(first_seen)) * 86400000) AS INTEGER) {Person}";
        await DaemonTests.WaitUntilAsync(() => DaemonTests.StateCount(folder, Span) >= 5500, agent);

        using var http = new HttpClient();
        var metrics = await http.GetStringAsync($"http://127.0.0.1:{metricsPort}/metrics");
        Assert.Contains("edge_agent_frames_read_total{source=\"DRONE-1\"} 60", metrics, StringComparison.Ordinal);
        Assert.DoesNotContain("edge_agent_frames_dropped_total{source=\"DRONE-1\"}", metrics, StringComparison.Ordinal);

        // Read to its end: the source has ended, and nothing is wrong.
        using var health = await http.GetAsync($"http://127.0.0.1:{metricsPort}/healthz");
        var said = await health.Content.ReadAsStringAsync();
        Assert.True(health.IsSuccessStatusCode, said);
        Assert.Contains("\nDRONE-1: ended\n", said, StringComparison.Ordinal);

        // One track over the whole video, on its clock: 5.x s from the first sighting to the last, in
        // (nearly) every one of the 60 frames — the detector's pace does not split or thin it.
        Assert.InRange(DaemonTests.StateCount(folder, Span), 5500, 6000);
        Assert.InRange(DaemonTests.StateCount(folder, $"SELECT frames {Person}"), 50, 60);
    }

    [Fact]
    public async Task A_live_aircraft_sending_mavlink_over_udp_places_what_its_camera_sees()
    {
        using var folder = new TempFolder();
        await using var smtp = await Smtp4dev.StartNewAsync();
        var video = folder.File("live.mp4");
        await MakeVideoAsync(video);
        var port = FreePort.Next();
        var stream = new JsonObject
        {
            ["Id"] = "DRONE-1",
            ["Url"] = video,
            ["Telemetry"] = new JsonObject { ["Kind"] = "Mavlink", ["Listen"] = $"127.0.0.1:{port}" },
        };
        var config = DaemonTests.DaemonConfig(folder, smtp, null, streams: new JsonArray(stream));
        using var agent = new RunningAgent(Process.Start(AgentProcess.StartInfo("run", "--config", config))!);

        // The aircraft: hovering 100 m up inside the zone, gimbal 30° down looking south, 60° field of view.
        byte[] telemetry =
        [
            .. MavlinkFrames.GlobalPositionInt(-1.2001, 35.1, 1650, 100, 180),
            .. MavlinkFrames.GimbalDeviceAttitudeStatus(0, -30, 180),
            .. MavlinkFrames.CameraFovStatus(60, 45),
        ];
        using var udp = new System.Net.Sockets.UdpClient();
        var target = new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, port);
        while (!agent.Error.Contains("Stream DRONE-1: the recorded file ended", StringComparison.Ordinal))
        {
            Assert.False(agent.Process.HasExited, agent.Error);
            // Paced as an aircraft's telemetry link sends, ten times a second.
            await udp.SendAsync(telemetry, target);
            await Task.Delay(100);
        }

        var mail = Assert.Single(await smtp.WaitForMessagesAsync(1, Patience));
        Assert.Contains("Camera at: -1.2001, 35.1, 100 m above the ground, looking 180° from north, 30° down", mail.TextBody, StringComparison.Ordinal);
        using var db = new SqliteConnection($"Data Source={folder.File("state/edge-agent.db")};Mode=ReadOnly");
        db.Open();
        Assert.Equal(1, DaemonTests.Scalar(db, "SELECT COUNT(*) FROM tracks WHERE label = 'person' AND placed_by = 'ground' AND latitude < -1.2001"));
    }

    [Fact]
    public async Task A_live_udp_stream_with_klv_inside_places_what_its_camera_sees()
    {
        using var folder = new TempFolder();
        var muxed = await MakeKlvFlightAsync(folder);
        var port = FreePort.Next();
        var stream = new JsonObject
        {
            ["Id"] = "DRONE-1",
            ["Url"] = $"udp://127.0.0.1:{port}",
            ["Telemetry"] = new JsonObject { ["Kind"] = "Klv" },
        };
        var config = DaemonTests.DaemonConfig(folder, null, null, streams: new JsonArray(stream));
        using var agent = new RunningAgent(Process.Start(AgentProcess.StartInfo("run", "--config", config))!);

        // The aircraft's downlink, replayed as it was sent, over and over.
        var send = new ProcessStartInfo("ffmpeg") { UseShellExecute = false, RedirectStandardError = true };
        foreach (var argument in new[] { "-v", "error", "-re", "-stream_loop", "-1", "-i", muxed, "-map", "0", "-c", "copy", "-f", "mpegts", $"udp://127.0.0.1:{port}" })
        {
            send.ArgumentList.Add(argument);
        }

        using var downlink = Process.Start(send)!;
        try
        {
            // The signal: the person's track committed with a ground position.
            using var db = new SqliteConnection($"Data Source={folder.File("state/edge-agent.db")};Mode=ReadOnly;Pooling=False");
            (double Latitude, double Longitude)? placed = null;
            await DaemonTests.WaitUntilAsync(() => (placed = PlacedPerson(db)) is not null, agent);
            var (latitude, longitude) = placed!.Value;

            AssertInFrameCentres(latitude, longitude);
        }
        finally
        {
            downlink.Kill();
        }
    }

    [Fact]
    public async Task A_recorded_flight_read_to_its_end_is_not_read_again_after_a_restart()
    {
        using var folder = new TempFolder();
        await using var smtp = await Smtp4dev.StartNewAsync();
        var stream = await RecordedFlightAsync(folder, 180);
        var config = DaemonTests.DaemonConfig(folder, smtp, null, streams: new JsonArray(stream));
        const string Tracks = "SELECT COUNT(*) FROM tracks WHERE source_id = 'DRONE-1'";
        const string Alerts = "SELECT COUNT(*) FROM outbox";
        long tracks, alerts;
        using (var first = new RunningAgent(Process.Start(AgentProcess.StartInfo("run", "--config", config))!))
        {
            await first.WaitForErrorAsync("Stream DRONE-1: the recorded file ended", Patience);
            (tracks, alerts) = (DaemonTests.StateCount(folder, Tracks), DaemonTests.StateCount(folder, Alerts));
            Assert.True(tracks > 0 && alerts > 0, $"{tracks} tracks, {alerts} alerts: {first.Error}");
            await AgentProcess.SignalAsync(first.Process, "TERM");
            Assert.Equal(0, (await first.WaitForExitAsync(Patience)).Code);
        }

        // Started again (systemd after a power cut, say): the flight is not counted or alerted twice.
        using var second = new RunningAgent(Process.Start(AgentProcess.StartInfo("run", "--config", config))!);
        await second.WaitForErrorAsync("Stream DRONE-1: the recorded file was read to its end on", Patience);
        Assert.Equal((tracks, alerts), (DaemonTests.StateCount(folder, Tracks), DaemonTests.StateCount(folder, Alerts)));
        Assert.DoesNotContain("Stream DRONE-1 is up", second.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_recorded_flight_killed_halfway_goes_on_after_its_last_committed_frame()
    {
        using var folder = new TempFolder();

        // Slower than real time, so there is a middle to kill it in; each video frame's detections in
        // rows of their own, which tell the frames each run read.
        var json = await EveryFrameFlightAsync(folder, FreePort.Next());
        json["Recording"]!["VideoDetections"] = true;
        var config = AgentConfig.Write(folder, json);
        long lastRow;
        using (var first = new RunningAgent(Process.Start(AgentProcess.StartInfo("run", "--config", config))!))
        {
            await DaemonTests.WaitUntilAsync(() => DaemonTests.StateCount(folder, "SELECT read_to_ms FROM recordings_read") >= 1000, first);
            await AgentProcess.SignalAsync(first.Process, "KILL");
            await first.Process.WaitForExitAsync();
            lastRow = DaemonTests.StateCount(folder, "SELECT MAX(rowid) FROM detections");
            Assert.InRange(DaemonTests.StateCount(folder, "SELECT read_to_ms FROM recordings_read"), 1000, 5000);
            Assert.Equal(0, DaemonTests.StateCount(folder, "SELECT COUNT(*) FROM recordings_done"));
        }

        using var second = new RunningAgent(Process.Start(AgentProcess.StartInfo("run", "--config", config))!);
        await second.WaitForErrorAsync("Stream DRONE-1: the recorded file ended", Patience);
        Assert.Contains("Stream DRONE-1: the recorded file was read before up to ", second.Error, StringComparison.Ordinal);

        // Nothing read twice: every detection of the second run is of a later frame than any of the first's.
        Assert.True(DaemonTests.StateCount(folder, $"SELECT COUNT(*) FROM detections WHERE rowid > {lastRow}") > 0, second.Error);
        Assert.Equal(0, DaemonTests.StateCount(folder, $"""
            SELECT COUNT(*) FROM detections WHERE rowid > {lastRow}
            AND julianday(captured_at) <= (SELECT MAX(julianday(captured_at)) FROM detections WHERE rowid <= {lastRow})
            """));

        // Nothing lost, and dated as before: the two runs' frames are (nearly) all the video's 60, at most those.
        Assert.InRange(DaemonTests.StateCount(folder, "SELECT COUNT(DISTINCT captured_at) FROM detections WHERE source_id = 'DRONE-1'"), 50, 60);
    }

    [Fact]
    public async Task A_recorded_flight_with_klv_inside_is_placed_and_dated_by_its_telemetry()
    {
        using var folder = new TempFolder();
        var stream = new JsonObject
        {
            ["Id"] = "DRONE-1",
            ["Url"] = await MakeKlvFlightAsync(folder),
            ["Telemetry"] = new JsonObject { ["Kind"] = "Klv" },
        };
        var config = DaemonTests.DaemonConfig(folder, null, null, streams: new JsonArray(stream));
        using var agent = new RunningAgent(Process.Start(AgentProcess.StartInfo("run", "--config", config))!);
        await agent.WaitForErrorAsync("Stream DRONE-1: the recorded file ended", Patience);

        using var db = new SqliteConnection($"Data Source={folder.File("state/edge-agent.db")};Mode=ReadOnly;Pooling=False");
        (double Latitude, double Longitude)? placed = null;
        await DaemonTests.WaitUntilAsync(() => (placed = PlacedPerson(db)) is not null, agent);
        AssertInFrameCentres(placed!.Value.Latitude, placed.Value.Longitude);

        // Seen when the footage was flown (its first precision time stamp, 2008), not when it was read.
        var flown = EdgeAgent.Telemetry.Klv.KlvTelemetry.ReadFile(Aphill).Samples[0].Sample.Time!.Value;
        Assert.Contains($"a recorded flight that began at {flown:u}", agent.Error, StringComparison.Ordinal);
        db.Open();
        using var select = db.CreateCommand();
        select.CommandText = "SELECT first_seen FROM tracks WHERE label = 'person' AND placed_by = 'ground' LIMIT 1";
        var firstSeen = DateTimeOffset.Parse((string)select.ExecuteScalar()!, CultureInfo.InvariantCulture);
        Assert.InRange(firstSeen - flown, TimeSpan.Zero, TimeSpan.FromSeconds(6));
    }

    private static string Aphill => TestPaths.Picture(Path.Combine(TestPaths.Shared, "testdata", "drone"), "aphill_klv_10s.ts");

    // The person's video with the KLV of real footage (EG 0104, Fort A.P. Hill) beside it, in one transport stream.
    private static async Task<string> MakeKlvFlightAsync(TempFolder folder)
    {
        var video = folder.File("person.mp4");
        await MakeVideoAsync(video);
        var muxed = folder.File("flight.ts");
        await FfmpegAsync("-v", "error", "-i", video, "-i", Aphill, "-map", "0:v", "-map", "1:d", "-c", "copy", "-t", "6", "-f", "mpegts", "-y", muxed);
        return muxed;
    }

    // Where the footage's own frame centres are, 2.8 km from the aircraft: the person is in that frame.
    private static void AssertInFrameCentres(double latitude, double longitude)
    {
        var centres = EdgeAgent.Telemetry.Klv.KlvTelemetry.ReadFile(Aphill).Samples.Select(s => s.Sample.ReportedFrameCenter!.Value).ToList();
        var nearest = centres.Min(c => Metres(c.Latitude, c.Longitude, latitude, longitude));
        Assert.True(nearest < 500, $"placed at {latitude}, {longitude}, {nearest:F0} m from the nearest frame centre");
    }

    private static (double Latitude, double Longitude)? PlacedPerson(SqliteConnection db)
    {
        if (!File.Exists(db.DataSource))
        {
            return null;
        }

        db.Open();
        try
        {
            using var select = db.CreateCommand();
            select.CommandText = "SELECT latitude, longitude FROM tracks WHERE label = 'person' AND placed_by = 'ground' LIMIT 1";
            using var reader = select.ExecuteReader();
            return reader.Read() ? (reader.GetDouble(0), reader.GetDouble(1)) : null;
        }
        catch (SqliteException)
        {
            // Not created yet.
            return null;
        }
        finally
        {
            db.Close();
        }
    }

    private static double Metres(double lat1, double lon1, double lat2, double lon2) =>
        Math.Sqrt(Math.Pow((lat2 - lat1) * 111_195, 2) + Math.Pow((lon2 - lon1) * 111_195 * Math.Cos(lat1 * Math.PI / 180), 2));

    private static async Task FfmpegAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var ffmpeg = Process.Start(start)!;
        var error = await ffmpeg.StandardError.ReadToEndAsync();
        await ffmpeg.WaitForExitAsync();
        Assert.True(ffmpeg.ExitCode == 0, error);
    }

    // A recorded flight's stream: the person's video and DJI subtitles of a hover 100 m above take-off
    // inside the rhino zone, the camera 30° below the horizon looking along gimbalYaw (60° field of
    // view); the person stands ~112 m from the point under the drone.
    private static async Task<JsonObject> RecordedFlightAsync(TempFolder folder, int gimbalYaw, int width = 640, int height = 480)
    {
        var video = folder.File("DJI_0001.MP4");
        await MakeVideoAsync(video, width, height);
        var blocks = Enumerable.Range(0, 8).Select(i => string.Create(
            CultureInfo.InvariantCulture,
            $"{i + 1}\n00:00:{i:00},000 --> 00:00:{i + 1:00},000\nF/2.8, SS 100, ISO 100, EV 0, GPS (35.1000, -1.2001, 15), D 10.00m, H 100.00m, H.S 0.00m/s, V.S 0.00m/s, F.PRY (0.0°, 0.0°, {gimbalYaw}.0°), G.PRY (-30.0°, 0.0°, {gimbalYaw}.0°)\n"));
        await File.WriteAllTextAsync(folder.File("DJI_0001.SRT"), string.Join("\n", blocks));
        return new JsonObject
        {
            ["Id"] = "DRONE-1",
            ["Url"] = video,
            ["Telemetry"] = new JsonObject { ["Kind"] = "Srt", ["HorizontalFieldOfView"] = 60 },
        };
    }

    // Every frame of the flight's 6 s at 10 frames/s, each just large enough to be cut in tiles, on one
    // worker: slower than real time here.
    private static async Task<JsonObject> EveryFrameFlightAsync(TempFolder folder, int metricsPort)
    {
        var stream = await RecordedFlightAsync(folder, 180, 832, 624);
        stream["DetectionFps"] = 10;
        var json = JsonNode.Parse(await File.ReadAllTextAsync(DaemonTests.DaemonConfig(folder, null, null, metricsPort, streams: new JsonArray(stream))))!.AsObject();
        json["Detector"] = new JsonObject { ["Workers"] = 1 };
        return json;
    }

    // Six seconds at 10 frames/s of a camera-trap picture of a person.
    private static Task MakeVideoAsync(string path, int width = 640, int height = 480) => FfmpegAsync(
        "-v", "error", "-loop", "1", "-t", "6", "-i", TestPaths.Picture(TestPaths.CameraTrap, "sn__human.jpg"),
        "-vf", $"scale={width}:{height},fps=10", "-c:v", "libx264", "-g", "10", "-pix_fmt", "yuv420p", "-y", path);
}
