namespace EdgeAgent.IntegrationTests;

using System.Diagnostics;
using System.Text.Json.Nodes;
using EdgeAgent.Alerting.Geofencing;
using EdgeAgent.Common.Observations;
using EdgeAgent.Common;
using EdgeAgent.IntegrationTests.Servers;
using EdgeAgent.Placement;
using EdgeAgent.Recording;
using EdgeAgent.Reporting;
using EdgeAgent.Reporting.CamtrapDp;
using EdgeAgent.Sources;
using EdgeAgent.Testing;
using Microsoft.Extensions.Options;
using OpenCvSharp;
using Microsoft.Data.Sqlite;
using Microsoft.Playwright;

/// <summary>
/// <c>edge-agent report</c> on records the real agent made from the shared camera-trap pictures and
/// a live video of a person; the page opened in headless Chromium; the Camtrap DP package checked
/// against the standard.
/// </summary>
public sealed class ReportTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);
    private static readonly string Output = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "screenshots")).FullName;

    [Fact]
    public async Task The_report_of_real_records_has_the_hand_counted_numbers_renders_its_charts_and_exports_a_valid_camtrap_dp()
    {
        using var folder = new TempFolder();
        var drop = Directory.CreateDirectory(folder.File("drop")).FullName;
        await using var stream = new UdpStream(TestPaths.Picture(TestPaths.CameraTrap, "sn__human.jpg"));
        stream.Start();
        var json = AgentConfig.Create(folder);
        json["Alerting"]!["Rules"] = new JsonArray();
        json["Sources"] = new JsonObject
        {
            ["DropFolders"] = new JsonArray(new JsonObject { ["Id"] = "CT-07", ["Path"] = drop, ["StableFor"] = "00:00:00.2" }),
            ["Streams"] = new JsonArray(new JsonObject { ["Id"] = "MAST-1", ["Url"] = stream.Url, ["StallTimeout"] = "00:00:02" }),
            ["RescanInterval"] = "00:00:01",
        };
        json["Geofencing"]!["Cameras"]!.AsArray().Add(new JsonObject { ["Id"] = "MAST-1", ["Latitude"] = -1.41, ["Longitude"] = 35.12 });
        json["Metrics"] = new JsonObject { ["Enabled"] = false };
        var config = AgentConfig.Write(folder, json);
        foreach (var picture in Directory.GetFiles(TestPaths.CameraTrap, "*.jpg"))
        {
            File.Copy(picture, Path.Combine(drop, Path.GetFileName(picture)));
        }

        // The agent records the 15 pictures and the person on the stream as a track; the stream goes
        // silent (one outage of MAST-1), and the agent stops.
        using (var agent = new RunningAgent(Process.Start(AgentProcess.StartInfo("run", "--config", config))!))
        {
            await DaemonTests.WaitUntilAsync(() => DaemonTests.FilesDone(folder) == 15 && Tracks(folder) >= 1, agent);
            await stream.DisposeAsync();
            await agent.WaitForErrorAsync("Stream MAST-1 lost", Patience);
            await AgentProcess.SignalAsync(agent.Process, "TERM");
            Assert.Equal(0, (await agent.WaitForExitAsync(Patience)).Code);
        }

        var today = DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var (code, output, error) = await AgentProcess.RunAsync(
            "report", "--config", config, "--from", "2000-01-01", "--to", today, "--output", folder.File("report"), "--camtrap-dp", folder.File("package"));
        Assert.True(code == 0, output + error);
        Assert.Contains("camtrap-dp 1.0.2", output, StringComparison.Ordinal);

        // Hand-counted from the pictures: the elephants picture (EXIF 2010-08-04 08:43 at the camera, UTC+3) is one burst of 4 individuals;
        // the person (2024-01-21 15:19) and the car (2015-11-30 15:55) one burst each; the person on the stream one track.
        var perDay = Lines(folder.File("report/counts_per_day.csv"));
        Assert.Contains("2010-08-04,family Elephantidae,animal,1", perDay);
        Assert.Contains("2024-01-21,person,person,1", perDay);
        Assert.Contains("2015-11-30,car,vehicle,1", perDay);
        Assert.Contains($"{today},person,person,1", perDay);
        var perCamera = Lines(folder.File("report/counts_per_camera.csv"));
        Assert.Contains("MAST-1,person,person,1,1", perCamera);
        Assert.Contains(perCamera, l => l.StartsWith("CT-07,family Elephantidae,animal,", StringComparison.Ordinal));
        var diel = Lines(folder.File("report/diel_activity.csv"));
        Assert.Contains("car,15,1", diel);
        Assert.Contains(diel, l => l == "family Elephantidae,8,1" || l == "family Elephantidae,8,2");
        Assert.Contains("family Elephantidae,animal,2010-08-04T05:43:15Z,CT-07,rhino", Lines(folder.File("report/first_sightings.csv")));
        // The person and the car at 15:xx by the camera's clock (and the stream's person too if the test runs at 15:xx UTC).
        var threats = Lines(folder.File("report/threats_per_zone_hour.csv"));
        Assert.Contains(threats, l => l is "rhino,15,2" or "rhino,15,3");
        var elephants = CamtrapDpChecks.ReadCsv(folder.File("package/observations.csv")).Skip(1).Where(r => r[6] == "media" && r[26] == "label:elephant" && r[10] == "1");
        var herd = Assert.Single(elephants.GroupBy(r => r[2]), g => g.Count() == 4);
        Assert.All(herd, r => Assert.Equal("Elephantidae", r[9]));

        // Data quality: every picture processed, none failed; the stream's one outage, the drop folder none.
        Assert.Contains("pictures,15", Lines(folder.File("report/data_quality.csv")));
        var downtime = Lines(folder.File("report/source_downtime.csv"));
        Assert.Contains("CT-07,0,0,0", downtime);
        Assert.Contains(downtime, l => l.StartsWith("MAST-1,", StringComparison.Ordinal) && l.Split(',')[2] == "1" && double.Parse(l.Split(',')[1], System.Globalization.CultureInfo.InvariantCulture) > 0);

        // Effort from when each source was up, and the indices made from it: consistent with each other.
        var effort = Lines(folder.File("report/effort.csv")).Skip(1).Select(l => l.Split(',')).ToDictionary(f => f[0], f => double.Parse(f[1], System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(effort["CT-07"] > 0);
        foreach (var row in Lines(folder.File("report/relative_abundance.csv")).Skip(1).Select(l => l.Split(',')))
        {
            var (sightings, days, rai) = (int.Parse(row[^3], System.Globalization.CultureInfo.InvariantCulture), effort[row[0]], double.Parse(row[^1], System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(100 * sightings / days, rai, 100 * sightings / days * 0.01); // within the rounding of camera_days
        }

        Assert.Contains(Lines(folder.File("report/naive_occupancy.csv")), l => l.StartsWith("family Elephantidae,1,", StringComparison.Ordinal));
        var accumulation = Lines(folder.File("report/species_accumulation.csv")).Skip(1).Select(l => l.Split(',')).ToList();
        Assert.NotEmpty(accumulation);
        Assert.True(accumulation.Zip(accumulation.Skip(1)).All(p => int.Parse(p.First[2], System.Globalization.CultureInfo.InvariantCulture) <= int.Parse(p.Second[2], System.Globalization.CultureInfo.InvariantCulture)));

        // The package conforms; a broken copy does not (the checks can fail).
        Assert.Empty(CamtrapDpChecks.Problems(folder.File("package")));
        var observations = CamtrapDpChecks.ReadCsv(folder.File("package/observations.csv"));
        Assert.Contains(observations, r => r[7] == "blank");
        Assert.Contains(observations, r => r[6] == "event" && r[7] == "human" && r[1] == "MAST-1");
        Assert.Contains(observations, r => r[7] == "vehicle");
        var media = CamtrapDpChecks.ReadCsv(folder.File("package/media.csv"));
        Assert.Equal(15, media.Count - 1);

        // Each picture by its absolute place on the agent; the coverage is what was recorded, not the period asked for.
        Assert.All(media.Skip(1), r => Assert.True(File.Exists(new Uri(r[4]).LocalPath), $"{r[4]} is not where the picture is"));
        var package = System.Text.Json.Nodes.JsonNode.Parse(await File.ReadAllTextAsync(folder.File("package/datapackage.json")))!;
        Assert.Equal(media.Skip(1).Min(r => r[3])![..10], (string?)package["temporal"]!["start"]);
        Assert.Equal(today, (string?)package["temporal"]!["end"]);

        // With the pictures copied in, except the one with a person, which stays where it is.
        (code, output, error) = await AgentProcess.RunAsync(
            "report", "--config", config, "--from", "2000-01-01", "--to", today, "--camtrap-dp", folder.File("with-media"), "--include-media");
        Assert.True(code == 0, output + error);
        Assert.Empty(CamtrapDpChecks.Problems(folder.File("with-media")));
        var copied = CamtrapDpChecks.ReadCsv(folder.File("with-media/media.csv")).Skip(1).ToList();
        Assert.Equal(14, copied.Count(r => r[4].StartsWith("media/CT-07/", StringComparison.Ordinal)));
        Assert.StartsWith("file:///", Assert.Single(copied, r => r[6] == "sn__human.jpg")[4], StringComparison.Ordinal);
        var broken = Directory.CreateDirectory(folder.File("broken")).FullName;
        foreach (var file in Directory.GetFiles(folder.File("package")))
        {
            File.Copy(file, Path.Combine(broken, Path.GetFileName(file)));
        }

        await File.WriteAllTextAsync(Path.Combine(broken, "media.csv"), (await File.ReadAllTextAsync(Path.Combine(broken, "media.csv"))).Replace(",false,", ",maybe,", StringComparison.Ordinal));
        Assert.Contains(CamtrapDpChecks.Problems(broken), p => p.Contains("filePublic 'maybe' is not true or false", StringComparison.Ordinal));

        // The page renders every chart, offline.
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = "/usr/bin/chromium", Headless = true, Args = ["--no-sandbox"] });
        var context = await browser.NewContextAsync(new() { Offline = true });
        var page = await context.NewPageAsync();
        await page.GotoAsync("file://" + folder.File("report/index.html"));
        var charts = page.Locator("figure.chart svg");
        var labels = Lines(folder.File("report/counts_per_camera.csv")).Skip(1).Select(l => l.Split(',')[1]).Distinct().Count();
        Assert.Equal(2 * Math.Min(labels, 12), await charts.CountAsync()); // over time and diel activity, each label its own
        for (var i = 0; i < await charts.CountAsync(); i++)
        {
            var box = await charts.Nth(i).BoundingBoxAsync();
            Assert.True(box is { Width: > 100, Height: > 100 }, $"chart {i} is not drawn");
        }

        await Assertions.Expect(page.Locator("svg.map path[data-zone='rhino']")).ToHaveCountAsync(1);
        await page.ScreenshotAsync(new() { Path = Path.Combine(Output, "report.png"), FullPage = true });
    }

    [Fact]
    public async Task An_empty_period_and_a_database_of_an_older_layout_are_told_plainly()
    {
        using var folder = new TempFolder();
        var path = folder.File("old.db");
        using (var db = new SqliteConnection($"Data Source={path}"))
        {
            db.Open();
            using var create = db.CreateCommand();
            create.CommandText = "CREATE TABLE detections (id INTEGER PRIMARY KEY, source_id TEXT, captured_at TEXT, label TEXT, category TEXT, confidence REAL)";
            create.ExecuteNonQuery();
        }

        SqliteConnection.ClearAllPools();
        var (code, _, error) = await AgentProcess.RunAsync("report", "--database", path, "--output", folder.File("report"));
        Assert.Equal(2, code);
        Assert.Contains("was written by an older edge-agent (it lacks detections.placed_by, detections.track_id, tracks.snapshot, tracks.flight_started, files_done.failure)", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);

        // An empty database of this version: the report is written, and says that nothing was seen.
        var config = AgentConfig.Write(folder, AgentConfig.Create(folder));
        using (var records = new RecordDatabase(Options.Create(new DatabaseOptions { Path = folder.File("state/edge-agent.db") })))
        {
        }

        SqliteConnection.ClearAllPools();
        var (emptyCode, output, emptyError) = await AgentProcess.RunAsync("report", "--config", config, "--from", "1990-01-01", "--to", "1990-12-31", "--output", folder.File("empty"));
        Assert.Equal(0, emptyCode);
        Assert.Contains("nothing was recorded between 1990-01-01 and 1990-12-31: the records are empty", emptyError, StringComparison.Ordinal);
        Assert.Contains("0 sightings", output, StringComparison.Ordinal);
        Assert.Contains("Nothing was seen in this period.", await File.ReadAllTextAsync(folder.File("empty/index.html")), StringComparison.Ordinal);
    }

    [Fact]
    public void A_deployment_spans_the_time_its_camera_was_up_and_a_camera_that_saw_nothing_is_one_too()
    {
        using var folder = new TempFolder();
        var path = folder.File("edge-agent.db");
        var day1 = new DateTimeOffset(2026, 11, 2, 0, 0, 0, TimeSpan.Zero);
        using (var records = new RecordDatabase(Options.Create(new DatabaseOptions { Path = path })))
        {
            // CT-1 up from 06:00 on day 1 until the agent stops on day 3 at 18:00, a zebra on day 2;
            // CT-2 up on day 1 only (then its card is full) and never saw anything; CT-3 has no place.
            records.RecordSourceState("CT-1", "up", "", day1.AddHours(6));
            records.RecordSourceState("CT-2", "up", "", day1.AddHours(6));
            records.RecordSourceState("CT-3", "up", "", day1.AddHours(6));
            records.RecordSourceState("CT-2", "failed", "card full", day1.AddDays(1));
            foreach (var source in new[] { "CT-1", "CT-2", "CT-3" })
            {
                records.RecordSourceState(source, "stopped", "", day1.AddDays(2).AddHours(18));
            }

            using var frame = new Frame("CT-1", day1.AddDays(1).AddHours(9), new Mat(), 100, 100, 1f, new FileKey("CT-1", "zebra.jpg", 1, 1));
            var zebra = new Detection("zebra", DetectionCategory.Animal, 0.8f, new BoundingBox(10, 10, 20, 20));
            records.Write([new FrameRecord(frame, [new PlacedDetection(zebra, new Placement(null, null, PlacedBy.Nowhere))], true, [], [])], [], day1.AddDays(1));
        }

        var cameras = new[] { new CameraSite { Id = "CT-1", Latitude = -1.4, Longitude = 35.1 }, new CameraSite { Id = "CT-2", Latitude = -1.5, Longitude = 35.2 } };
        var site = new ReportSite(ZoneMap.Empty, cameras, TimeSpan.FromSeconds(10), 0, "test");
        var (from, to) = (DateOnly.FromDateTime(day1.UtcDateTime), DateOnly.FromDateTime(day1.AddDays(9).UtcDateTime));
        var queries = new RecordQueries(path);
        var report = BiodiversityReport.Gather(queries, site, from, to, day1.AddDays(10));
        var written = CamtrapDpExport.Write(queries, report, folder.File("package"), "test", day1.AddDays(10), new MediaLocation(new Dictionary<string, string>(), "https://example.org/media/"));
        SqliteConnection.ClearAllPools();

        Assert.Equal(["CT-3"], written.LeftOut);
        Assert.Empty(CamtrapDpChecks.Problems(folder.File("package")));
        var deployments = CamtrapDpChecks.ReadCsv(folder.File("package/deployments.csv")).Skip(1).ToDictionary(r => r[0]);
        Assert.Equal(("2026-11-02T06:00:00Z", "2026-11-04T18:00:00Z"), (deployments["CT-1"][6], deployments["CT-1"][7]));
        Assert.Equal(("2026-11-02T06:00:00Z", "2026-11-03T00:00:00Z"), (deployments["CT-2"][6], deployments["CT-2"][7]));
        Assert.Contains("working 0.75 camera-days", deployments["CT-2"][23], StringComparison.Ordinal);
        var package = JsonNode.Parse(File.ReadAllText(folder.File("package/datapackage.json")))!;
        Assert.Equal(("2026-11-02", "2026-11-04"), ((string?)package["temporal"]!["start"], (string?)package["temporal"]!["end"]));
    }

    private static long Tracks(TempFolder folder) => DaemonTests.StateCount(folder, "SELECT COUNT(*) FROM tracks");

    private static List<string> Lines(string path) => [.. File.ReadAllLines(path)];
}
