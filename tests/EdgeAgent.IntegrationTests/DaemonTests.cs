namespace EdgeAgent.IntegrationTests;

using System.Diagnostics;
using System.Text.Json.Nodes;
using EdgeAgent.IntegrationTests.Servers;
using EdgeAgent.Testing;
using Microsoft.Data.Sqlite;

/// <summary><c>edge-agent run</c> as a real process: streams and drop folders in, e-mails and MQTT events out.</summary>
public sealed class DaemonTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    private static string Human => TestPaths.Picture(TestPaths.CameraTrap, "sn__human.jpg");

    [Fact]
    public async Task A_person_on_an_rtsp_camera_in_the_zone_alerts_and_alerts_again_after_the_camera_comes_back()
    {
        using var folder = new TempFolder();
        await using var smtp = await Smtp4dev.StartNewAsync();
        await using var broker = await Mosquitto.StartNewAsync();
        await using var probe = await MqttProbe.ConnectAsync(broker.BrokerPort);
        await using var camera = await RtspServer.StartNewAsync(Human);
        var metricsPort = FreePort.Next();
        var config = DaemonConfig(folder, smtp, broker, metricsPort, streams: new JsonArray(new JsonObject { ["Id"] = "CT-07", ["Url"] = camera.Url, ["StallTimeout"] = "00:00:03" }));

        using var agent = new RunningAgent(Process.Start(AgentProcess.StartInfo("run", "--config", config))!);
        var first = await smtp.WaitForMessagesAsync(1, Patience);
        Assert.True(first.Count >= 1, agent.Error);
        Assert.StartsWith("[ALERT] person in Rhino Sanctuary — camera CT-07", first[0].Subject, StringComparison.Ordinal);
        var events = await probe.WaitForAsync(m => m.Topic.EndsWith("/events", StringComparison.Ordinal) && m.Payload.Contains("\"alert\"", StringComparison.Ordinal), 1, Patience);
        Assert.NotEmpty(events);

        await camera.StopAsync();
        await agent.WaitForErrorAsync("Stream CT-07 lost", Patience);
        var before = (await smtp.MessagesAsync()).Count;
        await camera.StartAsync();

        var after = await smtp.WaitForMessagesAsync(before + 1, Patience);
        Assert.True(after.Count > before, "no alert after the camera came back: " + agent.Error);
        Assert.Contains("Stream CT-07 is up", agent.Error[agent.Error.IndexOf("Stream CT-07 lost", StringComparison.Ordinal)..], StringComparison.Ordinal);
        using (var http = new HttpClient())
        {
            var metrics = await http.GetStringAsync($"http://127.0.0.1:{metricsPort}/metrics");
            Assert.Contains("edge_agent_source_up{source=\"CT-07\"} 1", metrics, StringComparison.Ordinal);
            Assert.Contains("edge_agent_mqtt_connected 1", metrics, StringComparison.Ordinal);
        }

        await AgentProcess.SignalAsync(agent.Process, "TERM");
        var (code, _, stderr) = await agent.WaitForExitAsync(Patience);
        Assert.True(code == 0, stderr);
    }

    [Fact]
    public async Task A_person_on_a_udp_mpeg_ts_stream_alerts_and_a_silent_stream_is_noticed()
    {
        using var folder = new TempFolder();
        await using var smtp = await Smtp4dev.StartNewAsync();
        await using var stream = new UdpStream(Human);
        stream.Start();
        var config = DaemonConfig(folder, smtp, null, streams: new JsonArray(new JsonObject { ["Id"] = "CT-07", ["Url"] = stream.Url, ["StallTimeout"] = "00:00:03" }));

        using var agent = new RunningAgent(Process.Start(AgentProcess.StartInfo("run", "--config", config))!);

        var messages = await smtp.WaitForMessagesAsync(1, Patience);
        Assert.True(messages.Count >= 1, agent.Error);
        Assert.Contains("person", messages[0].Subject, StringComparison.Ordinal);

        // UDP has no connection to lose: the sender just goes quiet, and the reader must notice.
        await stream.DisposeAsync();
        await agent.WaitForErrorAsync("Stream CT-07 lost: no frame for 3 s", Patience);
    }

    [Fact]
    public async Task Drop_folder_pictures_are_processed_exactly_once_across_a_restart_and_half_written_files_wait()
    {
        using var folder = new TempFolder();
        await using var smtp = await Smtp4dev.StartNewAsync();
        var drop = Directory.CreateDirectory(folder.File("drop")).FullName;
        var metricsPort = FreePort.Next();
        var config = DaemonConfig(folder, smtp, null, metricsPort, drops: new JsonArray(new JsonObject
        {
            ["Id"] = "CT-07",
            ["Path"] = drop,
            ["AfterProcessing"] = "Move",
            ["StableFor"] = "00:00:01",
        }));
        var pictures = Directory.GetFiles(TestPaths.CameraTrap, "sn__*.jpg").Order().ToArray();
        var half = Path.Combine(drop, "IMG_0000.JPG");

        // First run: a half-uploaded picture, then some whole ones, copied in slowly.
        var agent = new RunningAgent(Process.Start(AgentProcess.StartInfo("run", "--config", config))!);
        var human = await File.ReadAllBytesAsync(Human);
        await File.WriteAllBytesAsync(half, human[..(human.Length / 2)]);
        for (var i = 0; i < 4; i++)
        {
            File.Copy(pictures[i], Path.Combine(drop, $"IMG_{i + 1:0000}.JPG"));
            await Task.Delay(400);
        }

        await WaitUntilAsync(() => FilesDone(folder) >= 2, agent);
        Assert.True(File.Exists(half), "a half-written picture must not be taken");
        await AgentProcess.SignalAsync(agent.Process, "TERM");
        Assert.Equal(0, (await agent.WaitForExitAsync(Patience)).Code);
        agent.Dispose();

        // The upload completes and more pictures arrive while the agent is down; then it starts again.
        await using (var rest = new FileStream(half, FileMode.Append))
        {
            await rest.WriteAsync(human.AsMemory(human.Length / 2));
        }

        for (var i = 4; i < pictures.Length; i++)
        {
            File.Copy(pictures[i], Path.Combine(drop, $"IMG_{i + 1:0000}.JPG"));
        }

        using var second = new RunningAgent(Process.Start(AgentProcess.StartInfo("run", "--config", config))!);
        var total = pictures.Length + 1;
        // A picture is moved once its record is committed: the last move may follow its ledger row by a moment.
        await WaitUntilAsync(() => FilesDone(folder) >= total && Directory.GetFiles(drop).Length == 0, second);

        Assert.Equal(total, Directory.GetFiles(Path.Combine(drop, "processed")).Length);
        Assert.Empty(Directory.GetFiles(drop));
        using var db = new SqliteConnection($"Data Source={folder.File("state/edge-agent.db")}");
        db.Open();
        Assert.Equal(total, Scalar(db, "SELECT COUNT(DISTINCT path) FROM files_done"));
        Assert.Equal(Scalar(db, "SELECT SUM(detections) FROM files_done"), Scalar(db, "SELECT COUNT(*) FROM detections"));
        Assert.Equal(0, Scalar(db, "SELECT COUNT(*) FROM files_done WHERE failure IS NOT NULL"));
        Assert.True(Scalar(db, "SELECT COUNT(*) FROM detections WHERE label = 'person' AND picture LIKE '%snapshots%'") >= 1);
        var mail = await smtp.WaitForMessagesAsync(1, Patience);
        Assert.NotEmpty(mail);

        using var http = new HttpClient();
        var metrics = await http.GetStringAsync($"http://127.0.0.1:{metricsPort}/metrics");
        Assert.Contains("edge_agent_frames_read_total{source=\"CT-07\"}", metrics, StringComparison.Ordinal);
        Assert.Contains("edge_agent_alerts_sent_total{channel=\"email\"}", metrics, StringComparison.Ordinal);
        var health = await http.GetAsync($"http://127.0.0.1:{metricsPort}/healthz");
        Assert.Equal(System.Net.HttpStatusCode.OK, health.StatusCode);
        Assert.StartsWith("ok\nCT-07: up", await health.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pictures_left_in_place_are_not_processed_again_after_a_restart()
    {
        using var folder = new TempFolder();
        var drop = Directory.CreateDirectory(folder.File("drop")).FullName;
        var config = DaemonConfig(folder, null, null, drops: new JsonArray(new JsonObject { ["Id"] = "CT-07", ["Path"] = drop, ["StableFor"] = "00:00:00.5" }));
        File.Copy(Human, Path.Combine(drop, "IMG_0001.JPG"));
        File.Copy(TestPaths.Picture(TestPaths.CameraTrap, "sn__vehicle.jpg"), Path.Combine(drop, "IMG_0002.JPG"));

        for (var run = 0; run < 2; run++)
        {
            using var agent = new RunningAgent(Process.Start(AgentProcess.StartInfo("run", "--config", config))!);
            await WaitUntilAsync(() => FilesDone(folder) >= 2, agent);
            if (run == 1)
            {
                // A new (blank) picture: a scan takes files oldest first, so once it is done the two
                // older ones have been looked at — and must have been left alone.
                await agent.WaitForErrorAsync("Drop folder CT-07: watching", Patience);
                File.Copy(TestPaths.Picture(TestPaths.CameraTrap, "sn__blank.jpg"), Path.Combine(drop, "IMG_0003.JPG"));
                await WaitUntilAsync(() => FilesDone(folder) >= 3, agent);
            }

            await AgentProcess.SignalAsync(agent.Process, "TERM");
            Assert.Equal(0, (await agent.WaitForExitAsync(Patience)).Code);
        }

        Assert.Equal(3, Directory.GetFiles(drop).Length);
        using (var db = new SqliteConnection($"Data Source={folder.File("state/edge-agent.db")}"))
        {
            db.Open();
            Assert.Equal(3, Scalar(db, "SELECT COUNT(*) FROM files_done"));
            Assert.Equal(Scalar(db, "SELECT SUM(detections) FROM files_done"), Scalar(db, "SELECT COUNT(*) FROM detections"));
        }

        // The trend, per day of capture (EXIF, read in the camera's time zone): one person, one car.
        var (code, csv, stderr) = await AgentProcess.RunAsync("counts", "--config", config);
        Assert.True(code == 0, stderr);
        Assert.Equal("day,category,label,count,unit,taxon,scientific_name,taxon_rank", csv.Split('\n')[0]);
        Assert.Contains("2024-01-21,person,\"person\",1,bursts,,,", csv, StringComparison.Ordinal);
        Assert.Contains("2015-11-30,vehicle,\"car\",1,bursts,,,", csv, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_alert_after_the_mail_server_dropped_the_idle_connection_goes_out_at_the_first_attempt()
    {
        using var folder = new TempFolder();
        await using var smtp = await Smtp4dev.StartNewAsync();
        var drop = Directory.CreateDirectory(folder.File("drop")).FullName;
        var config = DaemonConfig(folder, smtp, null, drops: new JsonArray(new JsonObject { ["Id"] = "CT-07", ["Path"] = drop, ["StableFor"] = "00:00:00.5" }));
        using var agent = new RunningAgent(Process.Start(AgentProcess.StartInfo("run", "--config", config))!);

        File.Copy(Human, Path.Combine(drop, "IMG_0001.JPG"));
        Assert.Single(await smtp.WaitForMessagesAsync(1, Patience));

        // The server goes away and comes back: the connection the agent keeps open is dead.
        await smtp.StopAsync();
        await smtp.StartAsync();
        File.Copy(Human, Path.Combine(drop, "IMG_0002.JPG"));

        // smtp4dev keeps its messages in memory: after the restart it holds only the second.
        Assert.Single(await smtp.WaitForMessagesAsync(1, Patience));
        await agent.WaitForErrorAsync("sent by email (attempt 1)", Patience);
        Assert.DoesNotContain("not sent by email", agent.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_config_masks_secrets_and_lists_every_problem()
    {
        using var folder = new TempFolder();
        var good = DaemonConfig(folder, null, null, drops: new JsonArray(new JsonObject { ["Id"] = "CT-07", ["Path"] = folder.Path }));
        var start = AgentProcess.StartInfo("check-config", "--config", good);
        start.Environment["Mqtt__Host"] = "127.0.0.1";
        start.Environment["Mqtt__Username"] = "agent";
        start.Environment["Mqtt__Password"] = "s3cret-from-env";
        start.Environment["Sync__Password"] = "central-s3cret";
        start.Environment["Verdicts__SuppressFor"] = "1.00:00:00";
        using (var ok = new RunningAgent(Process.Start(start)!))
        {
            var (code, stdout, stderr) = await ok.WaitForExitAsync(Patience);
            Assert.True(code == 0, stdout + stderr);
            Assert.Contains("Mqtt:Password = ********", stdout, StringComparison.Ordinal);
            Assert.DoesNotContain("s3cret-from-env", stdout + stderr, StringComparison.Ordinal);

            // Every section is printed, the later ones too.
            Assert.Contains("Sync:Password = ********", stdout, StringComparison.Ordinal);
            Assert.Contains("Verdicts:SuppressFor = 1.00:00:00", stdout, StringComparison.Ordinal);
            Assert.Contains("configuration OK", stdout, StringComparison.Ordinal);
        }

        var json = JsonNode.Parse(await File.ReadAllTextAsync(good))!.AsObject();
        json["Sources"]!["DropFolders"]![0]!["Path"] = "/nonexistent/drop";
        json["Tracking"] = new JsonObject { ["Inertia"] = 0 };
        json["Metrics"] = new JsonObject { ["Listen"] = "everywhere" };
        await File.WriteAllTextAsync(good, json.ToJsonString());

        var (badCode, output, _) = await AgentProcess.RunAsync("check-config", "--config", good);

        Assert.Equal(2, badCode);
        Assert.Contains("problem: Sources:DropFolders:0:Path: folder '/nonexistent/drop' does not exist", output, StringComparison.Ordinal);
        Assert.Contains("problem: Tracking:Inertia", output, StringComparison.Ordinal);
        Assert.Contains("problem: Metrics:Listen", output, StringComparison.Ordinal);
    }

    internal static string DaemonConfig(TempFolder folder, Smtp4dev? smtp, Mosquitto? broker, JsonArray? streams = null, JsonArray? drops = null) =>
        DaemonConfig(folder, smtp, broker, FreePort.Next(), streams, drops);

    internal static string DaemonConfig(TempFolder folder, Smtp4dev? smtp, Mosquitto? broker, int metricsPort, JsonArray? streams = null, JsonArray? drops = null)
    {
        var json = AgentConfig.Create(folder, smtp, broker);
        json["Alerting"]!["Rules"]![0]!["Cooldown"] = "00:00:00";
        json["Sources"] = new JsonObject { ["Streams"] = streams ?? [], ["DropFolders"] = drops ?? [], ["RescanInterval"] = "00:00:01" };
        json["Recording"] = new JsonObject { ["SnapshotFolder"] = "state/snapshots" };
        json["Metrics"] = new JsonObject { ["Listen"] = $"127.0.0.1:{metricsPort}" };
        return AgentConfig.Write(folder, json);
    }

    internal static long FilesDone(TempFolder folder) => StateCount(folder, "SELECT COUNT(*) FROM files_done");

    /// <summary>A count from the agent's state database; 0 before the agent has made it or its tables.</summary>
    internal static long StateCount(TempFolder folder, string sql)
    {
        var path = folder.File("state/edge-agent.db");
        if (!File.Exists(path))
        {
            return 0;
        }

        using var db = new SqliteConnection($"Data Source={path};Mode=ReadOnly");
        db.Open();
        try
        {
            return Scalar(db, sql);
        }
        catch (SqliteException)
        {
            // The agent has created the file but not yet its tables.
            return 0;
        }
    }

    internal static long Scalar(SqliteConnection db, string sql)
    {
        using var command = db.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar() ?? 0L, System.Globalization.CultureInfo.InvariantCulture);
    }

    internal static async Task WaitUntilAsync(Func<bool> condition, RunningAgent agent)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline && !agent.Process.HasExited, "timed out: " + agent.Error);
            await Task.Delay(100);
        }
    }
}
