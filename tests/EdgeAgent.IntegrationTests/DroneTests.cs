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
        var video = folder.File("DJI_0001.MP4");
        await MakeVideoAsync(video);

        // 100 m above take-off, camera 30° below the horizon; the person stands ~112 m from the point under the drone.
        var blocks = Enumerable.Range(0, 8).Select(i => string.Create(
            CultureInfo.InvariantCulture,
            $"{i + 1}\n00:00:{i:00},000 --> 00:00:{i + 1:00},000\nF/2.8, SS 100, ISO 100, EV 0, GPS (35.1000, -1.2001, 15), D 10.00m, H 100.00m, H.S 0.00m/s, V.S 0.00m/s, F.PRY (0.0°, 0.0°, {gimbalYaw}.0°), G.PRY (-30.0°, 0.0°, {gimbalYaw}.0°)\n"));
        await File.WriteAllTextAsync(folder.File("DJI_0001.SRT"), string.Join("\n", blocks));

        var stream = new JsonObject
        {
            ["Id"] = "DRONE-1",
            ["Url"] = video,
            ["Telemetry"] = new JsonObject { ["Kind"] = "Srt", ["HorizontalFieldOfView"] = 60 },
        };
        var config = DaemonTests.DaemonConfig(folder, smtp, null, streams: new JsonArray(stream));
        using var agent = new RunningAgent(Process.Start(AgentProcess.StartInfo("run", "--config", config))!);
        await agent.WaitForErrorAsync("Stream DRONE-1 lost: the file ended", Patience);

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
        while (!agent.Error.Contains("Stream DRONE-1 lost: the file ended", StringComparison.Ordinal))
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

    private static async Task MakeVideoAsync(string path)
    {
        var start = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[]
        {
            "-v", "error", "-loop", "1", "-t", "6", "-i", TestPaths.Picture(TestPaths.CameraTrap, "sn__human.jpg"),
            "-vf", "scale=640:480,fps=10", "-c:v", "libx264", "-pix_fmt", "yuv420p", "-y", path,
        })
        {
            start.ArgumentList.Add(argument);
        }

        using var ffmpeg = Process.Start(start)!;
        var error = await ffmpeg.StandardError.ReadToEndAsync();
        await ffmpeg.WaitForExitAsync();
        Assert.True(ffmpeg.ExitCode == 0, error);
    }
}
