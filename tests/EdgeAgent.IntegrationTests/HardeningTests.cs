namespace EdgeAgent.IntegrationTests;

using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using EdgeAgent.IntegrationTests.Servers;
using EdgeAgent.Testing;
using Microsoft.Data.Sqlite;

/// <summary>
/// What a hostile picture, a vanished folder or an exposed endpoint does to the real agent: the one
/// bad item fails alone and by name, health says what is wrong, and what the agent writes is not
/// readable by other users.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class HardeningTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Detect_on_a_picture_bomb_fails_that_picture_by_name_and_finishes_the_others()
    {
        using var folder = new TempFolder();
        var pictures = Directory.CreateDirectory(folder.File("pictures")).FullName;
        PictureBomb.Write(Path.Combine(pictures, "bomb.png"), 60_000, 60_000);
        foreach (var name in new[] { "sn__human.jpg", "sn__vehicle.jpg", "sn__blank.jpg" })
        {
            File.Copy(TestPaths.Picture(TestPaths.CameraTrap, name), Path.Combine(pictures, name));
        }

        var output = folder.File("results.json");
        var (code, _, error) = await AgentProcess.RunAsync("detect", pictures, "--output", output, "--model", TestPaths.DefaultManifest);

        Assert.True(code == 0, error);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
        var images = JsonNode.Parse(await File.ReadAllTextAsync(output))!["images"]!.AsArray();
        Assert.Equal(4, images.Count);
        var bomb = Assert.Single(images, i => ((string?)i!["file"])!.EndsWith("bomb.png", StringComparison.Ordinal))!;
        Assert.Equal("60000×60000 pixels (3600 megapixels) is over the limit of 100 megapixels", (string?)bomb["failure"]);
        Assert.Contains(images, i => ((string?)i!["file"])!.EndsWith("sn__human.jpg", StringComparison.Ordinal) && i["detections"]!.AsArray().Count > 0);
    }

    [Fact]
    public async Task A_bomb_in_a_drop_folder_fails_alone_a_vanished_folder_is_unhealthy_and_files_are_private()
    {
        using var folder = new TempFolder();
        var drop = Directory.CreateDirectory(folder.File("drop")).FullName;
        PictureBomb.Write(Path.Combine(drop, "IMG_0001.PNG"), 60_000, 60_000);
        File.Copy(TestPaths.Picture(TestPaths.CameraTrap, "sn__human.jpg"), Path.Combine(drop, "IMG_0002.JPG"));
        File.Copy(TestPaths.Picture(TestPaths.CameraTrap, "sn__vehicle.jpg"), Path.Combine(drop, "IMG_0003.JPG"));
        var port = FreePort.Next();
        var config = DaemonTests.DaemonConfig(folder, null, null, port, drops: new JsonArray(new JsonObject { ["Id"] = "CT-07", ["Path"] = drop, ["StableFor"] = "00:00:00.5" }));

        // Every address, as the container listens: 0.0.0.0 must work, behind a login.
        var json = JsonNode.Parse(await File.ReadAllTextAsync(config))!.AsObject();
        json["Metrics"]!["Listen"] = $"0.0.0.0:{port}";
        await File.WriteAllTextAsync(config, json.ToJsonString());
        var start = AgentProcess.StartInfo("run", "--config", config);
        start.Environment["Metrics__Password"] = "correct horse battery staple";

        using var agent = new RunningAgent(Process.Start(start)!);
        await DaemonTests.WaitUntilAsync(() => DaemonTests.FilesDone(folder) >= 3, agent);

        using (var db = new SqliteConnection($"Data Source={folder.File("state/edge-agent.db")};Mode=ReadOnly;Pooling=False"))
        {
            db.Open();
            Assert.Equal(1, DaemonTests.Scalar(db, "SELECT COUNT(*) FROM files_done WHERE failure LIKE '%over the limit of 100 megapixels%'"));
            Assert.True(DaemonTests.Scalar(db, "SELECT COUNT(*) FROM detections WHERE label = 'person'") >= 1);
        }

        using var http = new HttpClient();
        var healthz = $"http://127.0.0.1:{port}/healthz";
        foreach (var (path, login) in new[] { ("/healthz", null), ("/metrics", null), ("/healthz", "prometheus:wrong password"), ("/metrics", "correct horse battery staple") })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{port}{path}");
            request.Headers.Authorization = login is null ? null : new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(login)));
            using var refused = await http.SendAsync(request);
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            Assert.Equal("Basic", refused.Headers.WwwAuthenticate.Single().Scheme);
        }

        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("prometheus:correct horse battery staple")));
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(healthz)).StatusCode);
        Assert.Contains("edge_agent_", await http.GetStringAsync($"http://127.0.0.1:{port}/metrics"), StringComparison.Ordinal);

        // The folder goes (a card unmounted, a careless rm): unhealthy, by name; back: healthy again.
        Directory.Move(drop, drop + ".gone");
        var (status, body) = await WaitForHealthAsync(http, healthz, HttpStatusCode.ServiceUnavailable, agent);
        Assert.Contains("source CT-07 failed", body, StringComparison.Ordinal);
        Directory.Move(drop + ".gone", drop);
        (status, _) = await WaitForHealthAsync(http, healthz, HttpStatusCode.OK, agent);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(1, agent.Error.Split('\n').Count(l => l.Contains("Drop folder CT-07", StringComparison.Ordinal) && l.Contains("cannot be scanned", StringComparison.Ordinal)));
        Assert.DoesNotContain("   at ", agent.Error, StringComparison.Ordinal);

        // Nothing the agent wrote is readable by other users.
        Assert.Equal(UnixFileMode.None, File.GetUnixFileMode(folder.File("state/edge-agent.db")) & (UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.GroupWrite));
        foreach (var written in Directory.GetFileSystemEntries(folder.File("state"), "*", SearchOption.AllDirectories).Append(folder.File("state")))
        {
            Assert.Equal(UnixFileMode.None, File.GetUnixFileMode(written) & (UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute | UnixFileMode.GroupWrite));
        }
    }

    [Fact]
    public async Task An_alert_that_cannot_be_sent_makes_the_agent_unhealthy_after_the_wait_limit()
    {
        using var folder = new TempFolder();
        var drop = Directory.CreateDirectory(folder.File("drop")).FullName;
        var port = FreePort.Next();
        var config = DaemonTests.DaemonConfig(folder, null, null, port, drops: new JsonArray(new JsonObject { ["Id"] = "CT-07", ["Path"] = drop, ["StableFor"] = "00:00:00.5" }));

        // A mail server that is not there, and a short wait limit.
        var json = JsonNode.Parse(await File.ReadAllTextAsync(config))!.AsObject();
        json["Email"] = JsonNode.Parse($$"""{ "Host": "127.0.0.1", "Port": {{FreePort.Next()}}, "Security": "None", "From": "agent@example.org", "To": [ "ranger@example.org" ] }""");
        json["Metrics"]!["AlertWaitLimit"] = "00:00:02";
        await File.WriteAllTextAsync(config, json.ToJsonString());
        File.Copy(TestPaths.Picture(TestPaths.CameraTrap, "sn__human.jpg"), Path.Combine(drop, "IMG_0001.JPG"));

        using var agent = new RunningAgent(Process.Start(AgentProcess.StartInfo("run", "--config", config))!);
        await agent.WaitForErrorAsync("health on /healthz", Patience);
        using var http = new HttpClient();
        var (_, body) = await WaitForHealthAsync(http, $"http://127.0.0.1:{port}/healthz", HttpStatusCode.ServiceUnavailable, agent);

        Assert.Contains("an alert has waited", body, StringComparison.Ordinal);
        Assert.Contains("Metrics:AlertWaitLimit", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_metrics_port_already_taken_ends_the_run_with_exit_code_1_naming_it()
    {
        using var folder = new TempFolder();
        using var taken = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        var config = DaemonTests.DaemonConfig(folder, null, null, port);

        using var agent = new RunningAgent(Process.Start(AgentProcess.StartInfo("run", "--config", config))!);
        var (code, _, error) = await agent.WaitForExitAsync(Patience);

        Assert.Equal(1, code);
        Assert.Contains($"edge-agent: Metrics:Listen 127.0.0.1:{port}: cannot listen", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
    }

    private static async Task<(HttpStatusCode Status, string Body)> WaitForHealthAsync(HttpClient http, string url, HttpStatusCode expected, RunningAgent agent)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            using var response = await http.GetAsync(url);
            var body = await response.Content.ReadAsStringAsync();
            if (response.StatusCode == expected)
            {
                return (response.StatusCode, body);
            }

            Assert.True(DateTime.UtcNow < deadline && !agent.Process.HasExited, $"health stayed {response.StatusCode}: {body}");
            await Task.Delay(200);
        }
    }
}
