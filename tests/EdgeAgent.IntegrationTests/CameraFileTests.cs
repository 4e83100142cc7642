namespace EdgeAgent.IntegrationTests;

using System.Diagnostics;
using System.Text.Json.Nodes;
using EdgeAgent.Testing;

/// <summary>Pictures as camera makes write them: their own data after the image's end.</summary>
public sealed class CameraFileTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    /// <summary>Tab-separated settings and a binary block, as some camera traps append after the image.</summary>
    private static byte[] Appendix(int seed) =>
    [
        .. "Camera\tTrail-8\nTrigger\tPIR\nInterval\t5s\n"u8.ToArray(),
        .. Enumerable.Range(0, 4096 * (seed + 1)).Select(i => (byte)((i * 37) + seed)),
    ];

    [Fact]
    public async Task Detect_reads_pictures_with_data_after_the_image_as_it_reads_them_without()
    {
        using var folder = new TempFolder();
        var plain = Directory.CreateDirectory(folder.File("plain")).FullName;
        var appended = Directory.CreateDirectory(folder.File("appended")).FullName;
        var pictures = Directory.GetFiles(TestPaths.CameraTrap, "*.jpg");
        for (var i = 0; i < pictures.Length; i++)
        {
            var bytes = await File.ReadAllBytesAsync(pictures[i]);
            var name = Path.GetFileName(pictures[i]);
            await File.WriteAllBytesAsync(Path.Combine(plain, name), bytes);
            await File.WriteAllBytesAsync(Path.Combine(appended, name), [.. bytes, .. Appendix(i)]);
        }

        var (code, _, error) = await AgentProcess.RunAsync("detect", plain, "--output", folder.File("plain.json"));
        Assert.True(code == 0, error);
        (code, _, error) = await AgentProcess.RunAsync("detect", appended, "--output", folder.File("appended.json"));
        Assert.True(code == 0, error);

        var (before, after) = (Results.Load(folder.File("plain.json")), Results.Load(folder.File("appended.json")));
        Assert.All(after.Images, i => Assert.Null(i["failure"]));
        Assert.Equal(pictures.Length, after.Images.Count());
        foreach (var image in before.Images)
        {
            var file = (string)image["file"]!;
            Assert.Equal(Results.Detections(image).Select(d => (d.Label, d.Conf)), Results.Detections(after.Image(file)).Select(d => (d.Label, d.Conf)));
        }
    }

    [Fact]
    public async Task The_daemon_takes_a_picture_with_data_after_the_image_at_once_and_a_cut_one_waits()
    {
        using var folder = new TempFolder();
        var drop = Directory.CreateDirectory(folder.File("drop")).FullName;

        // Long enough that a picture taken only after giving up on it could not pass.
        var config = DaemonTests.DaemonConfig(folder, null, null, drops: new JsonArray(new JsonObject
        {
            ["Id"] = "CT-07",
            ["Path"] = drop,
            ["StableFor"] = "00:00:00.5",
            ["GiveUpAfter"] = "00:10:00",
        }));
        var human = await File.ReadAllBytesAsync(TestPaths.Picture(TestPaths.CameraTrap, "sn__human.jpg"));
        await File.WriteAllBytesAsync(Path.Combine(drop, "IMG_0002.JPG"), human[..(human.Length / 2)]);
        await File.WriteAllBytesAsync(Path.Combine(drop, "IMG_0001.JPG"), [.. human, .. Appendix(1)]);

        using var agent = new RunningAgent(Process.Start(AgentProcess.StartInfo("run", "--config", config))!);
        await DaemonTests.WaitUntilAsync(() => DaemonTests.StateCount(folder, "SELECT COUNT(*) FROM files_done WHERE path LIKE '%IMG_0001.JPG' AND failure IS NULL AND detections > 0") == 1, agent);

        // The cut picture, older and so looked at first, is still waiting for the rest of its upload.
        Assert.Equal(0, DaemonTests.StateCount(folder, "SELECT COUNT(*) FROM files_done WHERE path LIKE '%IMG_0002.JPG'"));
        await AgentProcess.SignalAsync(agent.Process, "TERM");
        Assert.Equal(0, (await agent.WaitForExitAsync(Patience)).Code);
    }

    [Fact]
    public async Task A_picture_from_a_reset_clock_is_flagged_and_counted_as_arrived_now()
    {
        using var folder = new TempFolder();
        var drop = Directory.CreateDirectory(folder.File("drop")).FullName;
        var json = AgentConfig.Create(folder);
        json["Geofencing"]!["Cameras"]![0]!["DeployedSince"] = "2024-01-01T00:00:00Z";
        json["Sources"] = new JsonObject { ["DropFolders"] = new JsonArray(new JsonObject { ["Id"] = "CT-07", ["Path"] = drop, ["StableFor"] = "00:00:00.5" }) };
        var config = AgentConfig.Write(folder, json);

        // The elephants as a camera writes them after a battery change: its clock back at 2000-01-01 (the EXIF text rewritten in place).
        var bytes = await File.ReadAllBytesAsync(TestPaths.Picture(TestPaths.CameraTrap, "sn__african_elephants.jpg"));
        var said = System.Text.Encoding.ASCII.GetBytes("2010:08:04 08:43:15");
        var reset = System.Text.Encoding.ASCII.GetBytes("2000:01:01 00:00:00");
        for (var at = bytes.AsSpan().IndexOf(said); at >= 0; at = bytes.AsSpan().IndexOf(said))
        {
            reset.CopyTo(bytes, at);
        }

        await File.WriteAllBytesAsync(Path.Combine(drop, "IMG_0001.JPG"), bytes);
        using (var agent = new RunningAgent(Process.Start(AgentProcess.StartInfo("run", "--config", config))!))
        {
            await DaemonTests.WaitUntilAsync(() => DaemonTests.FilesDone(folder) == 1, agent);
            await agent.WaitForErrorAsync("before its deployment on 2024-01-01", Patience);

            // The station page warns of the camera's clock beside the camera, its reason escaped as any text from a camera is.
            using var http = new HttpClient();
            var sources = await http.GetStringAsync($"http://{json["Station"]!["Listen"]}/fragments/sources");
            var start = sources.IndexOf("data-source=\"CT-07\"", StringComparison.Ordinal);
            Assert.True(start >= 0, sources);
            var row = sources[start..sources.IndexOf("</tr>", start, StringComparison.Ordinal)];
            Assert.Matches("<div class=\"clock\">Clock: [^<]*reset clock[^<]*; 1 picture flagged since the start", row);
            await AgentProcess.SignalAsync(agent.Process, "TERM");
            Assert.Equal(0, (await agent.WaitForExitAsync(Patience)).Code);
        }

        Assert.Equal(1, DaemonTests.StateCount(folder, "SELECT COUNT(*) FROM files_done WHERE camera_time < '2000-01-02' AND timestamp_issue LIKE '%reset clock%'"));
        var today = DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var (code, csv, error) = await AgentProcess.RunAsync("counts", "--config", config);
        Assert.True(code == 0, error);
        Assert.Contains(csv.Split('\n'), l => l.StartsWith($"{today},animal,\"elephant\",1,bursts,", StringComparison.Ordinal));

        (code, var output, error) = await AgentProcess.RunAsync("report", "--config", config, "--to", today, "--camtrap-dp", folder.File("package"));
        Assert.True(code == 0, output + error);
        Assert.Empty(CamtrapDpChecks.Problems(folder.File("package")));
        Assert.Equal("true", CamtrapDpChecks.ReadCsv(folder.File("package/deployments.csv"))[1][17]);
        Assert.Contains("reset clock", CamtrapDpChecks.ReadCsv(folder.File("package/media.csv"))[1][10], StringComparison.Ordinal);
    }
}
