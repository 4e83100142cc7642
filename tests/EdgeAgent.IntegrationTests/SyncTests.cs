namespace EdgeAgent.IntegrationTests;

using System.Diagnostics;
using System.Text.Json.Nodes;
using EdgeAgent.IntegrationTests.Servers;
using EdgeAgent.Testing;
using Microsoft.Playwright;

/// <summary>
/// Agents shipping their records to a real central PostgreSQL/PostGIS over TLS: through a server
/// outage, an agent killed mid-shipment, and a picture budget; every local record arrives once.
/// </summary>
public sealed class SyncTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);

    private const string HostileSite = "<img src=x onerror=\"window.pwned=1\">South & Co";

    /// <summary>A day's picture budget that holds a thumbnail or two, not all of them.</summary>
    private const double Budget = 0.03;

    /// <summary>The synced tables as the test compares them: local query, central query (per agent).</summary>
    private static readonly (string Local, string Central)[] Tables =
    [
        ("SELECT COUNT(*) FROM files_done", "SELECT COUNT(*) FROM files_done WHERE agent_id = '{0}'"),
        ("SELECT COUNT(*) FROM detections", "SELECT COUNT(*) FROM detections WHERE agent_id = '{0}'"),
        ("SELECT COALESCE(SUM(id * length(source_id || label || category || COALESCE(taxon, ''))), 0) FROM detections",
            "SELECT COALESCE(SUM(id * length(source_id || label || category || COALESCE(taxon, ''))), 0) FROM detections WHERE agent_id = '{0}'"),
        ("SELECT COUNT(*) FROM detections WHERE latitude IS NOT NULL", "SELECT COUNT(*) FROM detections WHERE agent_id = '{0}' AND position IS NOT NULL"),
        ("SELECT COUNT(*) FROM outbox", "SELECT COUNT(*) FROM alerts WHERE agent_id = '{0}'"),
        ("SELECT COUNT(*) FROM outbox WHERE state = 'sent'", "SELECT COUNT(*) FROM alerts WHERE agent_id = '{0}' AND state = 'sent'"),
        ("SELECT COUNT(*) FROM suppressed", "SELECT COUNT(*) FROM suppressed WHERE agent_id = '{0}'"),

        // A source's "stopped", recorded as the agent stops, goes in its last shipment.
        ("SELECT COUNT(*) FROM source_states", "SELECT COUNT(*) FROM source_states WHERE agent_id = '{0}'"),
    ];

    [Fact]
    public async Task Two_agents_ship_through_a_server_outage_and_the_server_holds_each_record_once()
    {
        await using var central = await Postgres.StartNewAsync();
        await InitAsync(central);
        await using var smtp = await Smtp4dev.StartNewAsync();
        using var north = new TempFolder();
        using var south = new TempFolder();

        // Each agent logs in as the administrator set it up: a login of its own in edge_agent_writer.
        var (northLogin, southLogin) = (await central.CreateLoginAsync("agent_north", "edge_agent_writer"), await central.CreateLoginAsync("agent_south", "edge_agent_writer"));
        var northJson = ConfigJson(north, smtp, central, northLogin, "north", batch: 7);
        northJson["Sync"]!["BacklogLimit"] = 5;
        var northConfig = AgentConfig.Write(north, northJson);
        // A site's name comes from outside the page: it must stay text there.
        var southJson = ConfigJson(south, smtp, central, southLogin, "south", batch: 7);
        southJson["Sync"]!["Site"] = HostileSite;
        var southConfig = AgentConfig.Write(south, southJson);
        Drop(north, 15, "N");
        Drop(south, 8, "S");

        // The server goes down before the agents start: they work on, and their records wait.
        await central.StopAsync();
        using (var a = Start(northConfig, northLogin))
        using (var b = Start(southConfig, southLogin))
        {
            await a.WaitForErrorAsync("Sync: shipment failed", Patience);
            await b.WaitForErrorAsync("Sync: shipment failed", Patience);
            await DaemonTests.WaitUntilAsync(() => DaemonTests.FilesDone(north) == 15, a);
            await DaemonTests.WaitUntilAsync(() => DaemonTests.FilesDone(south) == 8, b);
            Assert.True(Waiting(north) > 0 && Waiting(south) > 0, "records wait while the server is down");

            // The agent says it is behind — on /healthz, without counting as unhealthy, and on its station page.
            await a.WaitForErrorAsync("past Sync:BacklogLimit", Patience);
            using var http = new HttpClient();
            var health = await http.GetStringAsync($"http://{northJson["Metrics"]!["Listen"]}/healthz");
            Assert.StartsWith("ok\n", health, StringComparison.Ordinal);
            Assert.Contains("records wait to reach the central database", health, StringComparison.Ordinal);
            var shipping = await http.GetStringAsync($"http://{northJson["Station"]!["Listen"]}/fragments/sources");
            Assert.Contains("records waiting", shipping, StringComparison.Ordinal);
            Assert.Contains("last try: ", shipping, StringComparison.Ordinal);

            await central.StartAsync();
            await DaemonTests.WaitUntilAsync(() => AllShipped(north), a);
            await DaemonTests.WaitUntilAsync(() => AllShipped(south), b);
            await a.WaitForErrorAsync("Sync: the central database answers again", Patience);
            await AgentProcess.SignalAsync(a.Process, "TERM");
            await AgentProcess.SignalAsync(b.Process, "TERM");
            Assert.Equal(0, (await a.WaitForExitAsync(Patience)).Code);
            Assert.Equal(0, (await b.WaitForExitAsync(Patience)).Code);
        }

        // Each agent's records, in full and once (the keys make a second copy impossible; the
        // counts and the checksum say none is missing and none is another agent's).
        await AssertSameAsync(north, central, "north");
        await AssertSameAsync(south, central, "south");
        Assert.True(await central.CountAsync("SELECT COUNT(*) FROM detections WHERE agent_id = 'north'") > 0);
        Assert.Equal(2, await central.CountAsync("SELECT COUNT(*) FROM agents WHERE last_contact > now() - interval '10 minutes'"));
        Assert.Equal(2, await central.CountAsync("SELECT COUNT(*) FROM zones WHERE zone_id = 'rhino' AND ST_Area(area) > 0"));

        // Alert pictures travel as thumbnails, 320 pixels wide, one per alert.
        var alerts = await central.CountAsync("SELECT COUNT(DISTINCT (agent_id, id)) FROM alerts");
        Assert.True(alerts > 0, "the person pictures raised alerts");
        Assert.Equal(alerts, await central.CountAsync("SELECT COUNT(*) FROM alert_pictures WHERE size = 'thumbnails'"));
        await using (var source = central.Open())
        await using (var command = source.CreateCommand("SELECT jpeg FROM alert_pictures LIMIT 1"))
        {
            using var thumbnail = OpenCvSharp.Cv2.ImDecode((byte[])(await command.ExecuteScalarAsync())!, OpenCvSharp.ImreadModes.Color);
            Assert.Equal(320, thumbnail.Width);
        }

        // Across sites, read by an analyst's login (edge_analyst: read only): the programme's report counts both agents' animals.
        var ecologist = await central.CreateLoginAsync("ecologist", "edge_analyst");
        var report = Directory.CreateDirectory(north.File("programme")).FullName;
        var package = north.File("programme-camtrap-dp");
        var (code, output, error) = await RunAsync(ecologist, "report", "--database", central.AddressOf(ecologist.User), "--output", report, "--camtrap-dp", package, "--media-base-url", "https://hq.example.org/pictures/", "--from", "2000-01-01");
        Assert.True(code == 0, error);
        Assert.Contains("report:", output, StringComparison.Ordinal);
        Assert.Contains("(2 deployments,", output, StringComparison.Ordinal);
        var deployments = await File.ReadAllTextAsync(Path.Combine(package, "deployments.csv"));
        Assert.Contains("north/CT-07", deployments, StringComparison.Ordinal);
        Assert.Contains("south/CT-07", deployments, StringComparison.Ordinal);
        Assert.Empty(CamtrapDpChecks.Problems(package));
        (code, _, error) = await RunAsync(ecologist, "report", "--database", central.AddressOf(ecologist.User), "--camtrap-dp", package, "--media-base-url", "pictures/");
        Assert.Equal(2, code);
        Assert.Equal("edge-agent: --media-base-url 'pictures/' is not an absolute http(s) URL (https://…)", error.Trim());
        var counts = await File.ReadAllTextAsync(Path.Combine(report, "counts_per_camera.csv"));
        Assert.Contains("north/CT-07", counts, StringComparison.Ordinal);
        Assert.Contains("south/CT-07", counts, StringComparison.Ordinal);

        // The programme's station page, in a real browser: both agents, every alert, both sites on the map, counts per site.
        var port = FreePort.Next();
        var start = AgentProcess.StartInfo("station", "--database", central.AddressOf(ecologist.User), "--listen", $"127.0.0.1:{port}");
        start.Environment["PGPASSWORD"] = ecologist.Password;
        using var station = new RunningAgent(Process.Start(start)!);
        await station.WaitForErrorAsync("Programme station page on", Patience);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = "/usr/bin/chromium", Headless = true, Args = ["--no-sandbox"] });
        var page = await browser.NewPageAsync();
        Assert.Equal(200, (await page.GotoAsync($"http://127.0.0.1:{port}/"))!.Status);
        Assert.Equal(["north", "south"], await page.Locator("#agents tr[data-agent]").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.agent)"));
        Assert.Contains("north reserve", await page.Locator("#agents").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains(HostileSite, await page.Locator("#agents").InnerTextAsync(), StringComparison.Ordinal);
        Assert.True(await page.EvaluateAsync<bool>("() => window.pwned === undefined"));
        Assert.Equal(alerts, await page.Locator("#alerts tr[data-alert]").CountAsync());
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "screenshots")).FullName, "programme-station.png"), FullPage = true });
        var picture = await page.Locator("#alerts tr[data-alert] a").First.GetAttributeAsync("href");
        var shown = await browser.NewPageAsync();
        var answer = await shown.GotoAsync($"http://127.0.0.1:{port}{picture}");
        Assert.Equal((200, "image/jpeg"), (answer!.Status, answer.Headers["content-type"]));
        Assert.Equal(404, (await shown.APIRequest.GetAsync($"http://127.0.0.1:{port}/alerts/north/no-such-alert/picture")).Status);
        var map = await page.Locator("#map svg").InnerHTMLAsync();
        Assert.Contains("north/CT-07", map, StringComparison.Ordinal);
        Assert.Contains("south/CT-07", map, StringComparison.Ordinal);
        var perSite = await page.Locator("#counts").InnerTextAsync();
        Assert.Contains("north", perSite, StringComparison.Ordinal);
        Assert.Contains("south", perSite, StringComparison.Ordinal);
        Assert.Equal(
            DaemonTests.StateCount(south, "SELECT COUNT(DISTINCT captured_at || file_path) FROM detections WHERE label = 'person'"),
            long.Parse(await page.Locator("#counts tr", new PageLocatorOptions { HasText = "south" }).Filter(new LocatorFilterOptions { HasText = "person" }).Locator("td").Nth(4).InnerTextAsync(), System.Globalization.CultureInfo.InvariantCulture));
        await AgentProcess.SignalAsync(station.Process, "TERM");
        Assert.Equal(0, (await station.WaitForExitAsync(Patience)).Code);
    }

    [Fact]
    public async Task An_agent_killed_mid_shipment_sends_again_after_restart_and_the_server_keeps_each_record_once()
    {
        await using var central = await Postgres.StartNewAsync();
        await InitAsync(central);
        using var folder = new TempFolder();
        var login = await central.CreateLoginAsync("agent_east", "edge_agent_writer");
        var config = Config(folder, null, central, login, "east", batch: 1);
        Drop(folder, 30, "E");

        // A backlog built while the server was away drains in one-record shipments, one after another;
        // the agent is killed in the middle of them.
        await central.StopAsync();
        using (var agent = Start(config, login))
        {
            await agent.WaitForErrorAsync("Sync: shipment failed", Patience);
            await DaemonTests.WaitUntilAsync(() => DaemonTests.FilesDone(folder) == 30, agent);
            await central.StartAsync();
            await agent.WaitForErrorAsync("Sync: the central database answers again", Patience);
            await AgentProcess.SignalAsync(agent.Process, "KILL");
            await agent.WaitForExitAsync(Patience);
        }

        Assert.True(Waiting(folder) > 0, "the kill left records to ship");
        using (var agent = Start(config, login))
        {
            await DaemonTests.WaitUntilAsync(() => Waiting(folder) == 0, agent);
            await AgentProcess.SignalAsync(agent.Process, "TERM");
            Assert.Equal(0, (await agent.WaitForExitAsync(Patience)).Code);
        }

        await AssertSameAsync(folder, central, "east");
    }

    [Fact]
    public async Task Pictures_past_the_day_budget_wait_and_are_listed_while_records_travel()
    {
        await using var central = await Postgres.StartNewAsync();
        await InitAsync(central);
        using var folder = new TempFolder();
        await using var smtp = await Smtp4dev.StartNewAsync();
        var login = await central.CreateLoginAsync("agent_west", "edge_agent_writer");
        var json = ConfigJson(folder, smtp, central, login, "west", batch: 100);
        json["Sync"]!["DailyPictureMegabytes"] = Budget;
        var config = AgentConfig.Write(folder, json);
        Drop(folder, 30, "W");
        using (var agent = Start(config, login))
        {
            await DaemonTests.WaitUntilAsync(() => DaemonTests.FilesDone(folder) == 30 && AllShipped(folder, pictures: false), agent);
            await agent.WaitForErrorAsync("today's picture budget", Patience);
            await AgentProcess.SignalAsync(agent.Process, "TERM");
            Assert.Equal(0, (await agent.WaitForExitAsync(Patience)).Code);
        }

        await AssertSameAsync(folder, central, "west");
        var alerts = DaemonTests.StateCount(folder, "SELECT COUNT(DISTINCT id) FROM outbox");
        var shipped = await central.CountAsync("SELECT COUNT(*) FROM alert_pictures WHERE agent_id = 'west'");
        var bytes = await central.CountAsync("SELECT COALESCE(SUM(length(jpeg)), 0) FROM alert_pictures WHERE agent_id = 'west'");
        Assert.True(shipped > 0 && shipped < alerts, $"{shipped} of {alerts} pictures shipped");
        Assert.True(bytes <= Budget * 1024 * 1024, $"{bytes} bytes over the budget");

        var (code, output, error) = await AgentProcess.RunAsync("sync", "--config", config, "--left-behind");
        Assert.True(code == 0, error);
        var listed = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => l.Split(',')[0]).ToList();
        Assert.Equal(alerts - shipped, listed.Count);
        foreach (var id in listed)
        {
            Assert.Equal(0, await central.CountAsync($"SELECT COUNT(*) FROM alert_pictures WHERE alert_id = '{id}'"));
            Assert.Equal(1, DaemonTests.StateCount(folder, $"SELECT COUNT(DISTINCT id) FROM outbox WHERE id = '{id}'"));
        }
    }

    private static async Task InitAsync(Postgres central)
    {
        var (code, output, error) = await RunAsync(central.Superuser, "sync", "--init", "--database", central.Address);
        Assert.True(code == 0, error);
        Assert.Contains("central schema: version 1 (was empty)", output, StringComparison.Ordinal);

        // Applying it again changes nothing.
        (code, output, _) = await RunAsync(central.Superuser, "sync", "--init", "--database", central.Address);
        Assert.Equal(0, code);
        Assert.Contains("already up to date", output, StringComparison.Ordinal);
    }

    private static async Task AssertSameAsync(TempFolder folder, Postgres central, string agent)
    {
        foreach (var (local, remote) in Tables)
        {
            var (here, there) = (DaemonTests.StateCount(folder, local), await central.CountAsync(string.Format(System.Globalization.CultureInfo.InvariantCulture, remote, agent)));
            Assert.True(here == there, $"{agent}: {here} locally ({local}), {there} centrally");
        }

        Assert.Equal(0, DaemonTests.StateCount(folder, "SELECT COUNT(*) FROM sync_queue"));
    }

    private static long Waiting(TempFolder folder) =>
        DaemonTests.StateCount(folder, "SELECT (SELECT COUNT(*) FROM sync_queue) + (SELECT COUNT(*) FROM sync_pictures)");

    /// <summary>
    /// Every alert delivered, then nothing waiting: in this order, so that a delivery's own update
    /// (queued with it) was shipped too.
    /// </summary>
    private static bool AllShipped(TempFolder folder, bool pictures = true) =>
        DaemonTests.StateCount(folder, "SELECT COUNT(*) FROM outbox WHERE state <> 'sent'") == 0
        && DaemonTests.StateCount(folder, pictures ? "SELECT (SELECT COUNT(*) FROM sync_queue) + (SELECT COUNT(*) FROM sync_pictures)" : "SELECT COUNT(*) FROM sync_queue") == 0;

    private static void Drop(TempFolder folder, int count, string prefix)
    {
        var drop = Directory.CreateDirectory(folder.File("drop")).FullName;
        var sources = Directory.GetFiles(TestPaths.CameraTrap, "*.jpg").Order().ToArray();
        for (var i = 0; i < count; i++)
        {
            File.Copy(sources[i % sources.Length], Path.Combine(drop, $"{prefix}_{i:0000}.JPG"));
        }
    }

    private static string Config(TempFolder folder, Smtp4dev? smtp, Postgres central, Login login, string agent, int batch) =>
        AgentConfig.Write(folder, ConfigJson(folder, smtp, central, login, agent, batch));

    private static JsonObject ConfigJson(TempFolder folder, Smtp4dev? smtp, Postgres central, Login login, string agent, int batch)
    {
        var path = DaemonTests.DaemonConfig(folder, smtp, null, drops: new JsonArray(new JsonObject { ["Id"] = "CT-07", ["Path"] = folder.File("drop"), ["StableFor"] = "00:00:00.2" }));
        var json = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        json["Sync"] = new JsonObject
        {
            ["Enabled"] = true,
            ["Database"] = central.AddressOf(login.User),
            ["Agent"] = agent,
            ["Site"] = $"{agent} reserve",
            ["Interval"] = "00:00:00.2",
            ["BatchSize"] = batch,
            ["InitialRetryDelay"] = "00:00:00.2",
            ["MaxRetryDelay"] = "00:00:01",
        };
        return json;
    }

    private static RunningAgent Start(string config, Login login)
    {
        var start = AgentProcess.StartInfo("run", "--config", config);
        start.Environment["Sync__Password"] = login.Password;
        return new RunningAgent(Process.Start(start)!);
    }

    private static async Task<(int Code, string Output, string Error)> RunAsync(Login login, params string[] arguments)
    {
        var start = AgentProcess.StartInfo(arguments);
        start.Environment["PGPASSWORD"] = login.Password;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output, await error);
    }
}
