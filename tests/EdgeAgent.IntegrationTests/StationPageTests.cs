namespace EdgeAgent.IntegrationTests;

using System.Diagnostics;
using System.Text.Json.Nodes;
using EdgeAgent.IntegrationTests.Servers;
using EdgeAgent.Testing;
using Microsoft.Playwright;

/// <summary>
/// The station page of a real <c>edge-agent run</c> with real sources, in Debian's Chromium driven
/// by Playwright. Screenshots go to <c>screenshots/</c> beside the test assembly.
/// </summary>
public sealed class StationPageTests : IAsyncLifetime
{
    private const string HostileZone = "<img src=x onerror=\"window.pwned=1\">Rhino & Co";
    private const string HostileRule = "<script>window.pwned=2</script>poachers";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);
    private static readonly string Screenshots = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "screenshots")).FullName;
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    private IBrowser Browser => _browser!;

    public async Task InitializeAsync()
    {
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,

            // The tests run as root in CI, where Chromium's sandbox cannot start.
            Args = ["--no-sandbox"],
        });
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
    }

    [Fact]
    public async Task A_picture_that_alerts_appears_without_reload_with_its_picture_and_inside_its_zone_on_the_map_and_hostile_names_stay_text()
    {
        using var folder = new TempFolder();
        await using var smtp = await Smtp4dev.StartNewAsync();
        var drop = Directory.CreateDirectory(folder.File("drop")).FullName;
        var port = FreePort.Next();
        var config = Config(folder, smtp, port, drops: new JsonArray(new JsonObject { ["Id"] = "CT-07", ["Path"] = drop, ["StableFor"] = "00:00:00.5" }));
        using var agent = new RunningAgent(Process.Start(AgentProcess.StartInfo("run", "--config", config))!);
        await agent.WaitForErrorAsync("Station page on", Patience);

        var page = await Browser.NewPageAsync();
        var response = await page.GotoAsync($"http://127.0.0.1:{port}/");
        Assert.Equal(200, response!.Status);
        Assert.Contains("default-src 'none'", response.Headers["content-security-policy"], StringComparison.Ordinal);
        Assert.Equal("DENY", response.Headers["x-frame-options"]);
        await Assertions.Expect(page.Locator("#alerts")).ToContainTextAsync("No alerts yet");
        await Assertions.Expect(page.Locator("tr[data-source='CT-07'][data-state='up']")).ToBeVisibleAsync();
        await page.EvaluateAsync("window.sameDocument = true");

        File.Copy(TestPaths.Picture(TestPaths.CameraTrap, "sn__human.jpg"), Path.Combine(drop, "IMG_0001.JPG"));

        // The alert shows up by the page's own polling: the document is the same one.
        var alert = page.Locator("#alerts article.alert");
        await Assertions.Expect(alert).ToBeVisibleAsync(new() { Timeout = (float)Patience.TotalMilliseconds });
        Assert.True(await page.EvaluateAsync<bool>("window.sameDocument === true"));
        await Assertions.Expect(alert).ToContainTextAsync("person");
        await Assertions.Expect(alert.Locator("li[data-channel='email'][data-state='sent']")).ToBeVisibleAsync(new() { Timeout = (float)Patience.TotalMilliseconds });
        var picture = alert.Locator("img");
        await picture.ScrollIntoViewIfNeededAsync();
        await page.WaitForFunctionAsync("() => { const i = document.querySelector('#alerts article.alert img'); return i.complete && i.naturalWidth > 0; }");
        var alertId = await alert.GetAttributeAsync("data-alert");

        // The map draws the zone and the alert's position inside it.
        var mark = page.Locator($"#map circle[data-alert='{alertId}']");
        await Assertions.Expect(mark).ToHaveCountAsync(1, new() { Timeout = (float)Patience.TotalMilliseconds });
        Assert.True(await page.EvaluateAsync<bool>($$"""
            () => {
              const zone = document.querySelector("#map path[data-zone='rhino']");
              const mark = document.querySelector("#map circle[data-alert='{{alertId}}']");
              return zone.isPointInFill(new DOMPoint(mark.cx.baseVal.value, mark.cy.baseVal.value));
            }
            """));

        // Names from outside are text, not markup.
        await Assertions.Expect(page.Locator("#alerts")).ToContainTextAsync(HostileZone);
        await Assertions.Expect(page.Locator("#alerts")).ToContainTextAsync(HostileRule);
        Assert.Equal(0, await page.Locator("img[src='x']").CountAsync());
        Assert.True(await page.EvaluateAsync<bool>("window.pwned === undefined"));

        // The page itself is small; pictures come on their own, reduced.
        var html = await (await page.APIRequest.GetAsync($"http://127.0.0.1:{port}/")).BodyAsync();
        Assert.True(html.Length < 200_000, $"{html.Length} bytes");
        await page.ScreenshotAsync(new() { Path = Path.Combine(Screenshots, "station-alert.png"), FullPage = true });
    }

    [Fact]
    public async Task Not_a_threat_keeps_the_same_picture_from_alerting_again_survives_a_restart_and_its_undo_lets_it_alert()
    {
        using var folder = new TempFolder();
        await using var smtp = await Smtp4dev.StartNewAsync();
        var drop = Directory.CreateDirectory(folder.File("drop")).FullName;
        var port = FreePort.Next();
        var config = Config(folder, smtp, port, drops: new JsonArray(new JsonObject { ["Id"] = "CT-07", ["Path"] = drop, ["StableFor"] = "00:00:00.5" }));
        var human = TestPaths.Picture(TestPaths.CameraTrap, "sn__human.jpg");
        var waitLong = new LocatorAssertionsToBeVisibleOptions { Timeout = (float)Patience.TotalMilliseconds };

        string alertId;
        using (var agent = new RunningAgent(Process.Start(AgentProcess.StartInfo("run", "--config", config))!))
        {
            await agent.WaitForErrorAsync("Station page on", Patience);
            var page = await Browser.NewPageAsync();
            await page.GotoAsync($"http://127.0.0.1:{port}/");
            File.Copy(human, Path.Combine(drop, "IMG_0001.JPG"));
            var alert = page.Locator("#alerts article.alert");
            await Assertions.Expect(alert).ToBeVisibleAsync(waitLong);
            alertId = (await alert.GetAttributeAsync("data-alert"))!;
            await smtp.WaitForMessagesAsync(1, Patience);

            await alert.GetByRole(AriaRole.Button, new() { Name = "Not a threat" }).ClickAsync();
            await Assertions.Expect(alert.Locator("div.verdict[data-verdict='not-a-threat']")).ToContainTextAsync("raises no alert until");
            await page.ScreenshotAsync(new() { Path = Path.Combine(Screenshots, "station-not-a-threat.png"), FullPage = true });

            // The same picture again, as another file (it would be another alert): set aside as dismissed, recorded, no alert.
            File.Copy(human, Path.Combine(drop, "IMG_0002.JPG"));
            await DaemonTests.WaitUntilAsync(() => DaemonTests.FilesDone(folder) == 2, agent);
            Assert.Equal(1, DaemonTests.StateCount(folder, "SELECT COUNT(DISTINCT id) FROM outbox"));
            Assert.True(DaemonTests.StateCount(folder, "SELECT COUNT(*) FROM suppressed WHERE reason = 'verdict' AND label = 'person'") >= 1);
            await AgentProcess.SignalAsync(agent.Process, "TERM");
            Assert.Equal(0, (await agent.WaitForExitAsync(Patience)).Code);
        }

        using (var agent = new RunningAgent(Process.Start(AgentProcess.StartInfo("run", "--config", config))!))
        {
            await agent.WaitForErrorAsync("Station page on", Patience);
            var page = await Browser.NewPageAsync();
            await page.GotoAsync($"http://127.0.0.1:{port}/");
            var alert = page.Locator($"#alerts article.alert[data-alert='{alertId}']");
            await Assertions.Expect(alert.Locator("div.verdict[data-verdict='not-a-threat']")).ToBeVisibleAsync();

            await alert.GetByRole(AriaRole.Button, new() { Name = "Undo" }).ClickAsync();
            await Assertions.Expect(alert.GetByRole(AriaRole.Button, new() { Name = "Not a threat" })).ToBeVisibleAsync();
            await Assertions.Expect(alert).ToContainTextAsync("a verdict was undone by station page");

            File.Copy(human, Path.Combine(drop, "IMG_0003.JPG"));
            await smtp.WaitForMessagesAsync(2, Patience);
            await Assertions.Expect(page.Locator("#alerts article.alert")).ToHaveCountAsync(2, new() { Timeout = (float)Patience.TotalMilliseconds });
            await AgentProcess.SignalAsync(agent.Process, "TERM");
            Assert.Equal(0, (await agent.WaitForExitAsync(Patience)).Code);
        }

        // The verdicts for evaluation or retraining: the picture each was about, who gave it and who took it back.
        var (code, csv, error) = await AgentProcess.RunAsync("verdict", "--config", config, "--list");
        Assert.True(code == 0, error);
        var row = Assert.Single(csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1));
        Assert.Matches($"^1,{alertId},false,\"station page, 127.0.0.1\",[^,]+,CT-07,IMG_0001.JPG,person,.*,\"station page, 127.0.0.1\",[^,]+$", row);
        (code, _, error) = await AgentProcess.RunAsync("verdict", "--config", config, "no-such-alert", "false");
        Assert.Equal(2, code);
        Assert.Contains("no alert no-such-alert", error, StringComparison.Ordinal);

        // The verdicts as evaluate's truth: the first picture's person said again to be nothing, the
        // third's to be a threat; the second picture, on which nobody gave a verdict, is not scored.
        string secondAlert;
        using (var records = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={folder.File("state/edge-agent.db")};Mode=ReadOnly"))
        {
            records.Open();
            using var select = records.CreateCommand();
            select.CommandText = "SELECT id FROM outbox WHERE id <> $first LIMIT 1";
            select.Parameters.AddWithValue("$first", alertId);
            secondAlert = (string)select.ExecuteScalar()!;
        }

        Assert.Equal(0, (await AgentProcess.RunAsync("verdict", "--config", config, alertId, "false")).ExitCode);
        Assert.Equal(0, (await AgentProcess.RunAsync("verdict", "--config", config, secondAlert, "true")).ExitCode);
        (code, csv, error) = await AgentProcess.RunAsync("verdict", "--config", config, "--list");
        Assert.True(code == 0, error);
        await File.WriteAllTextAsync(folder.File("verdicts.csv"), csv);
        (code, _, error) = await AgentProcess.RunAsync("detect", drop, "--output", folder.File("drop.json"));
        Assert.True(code == 0, error);

        (code, csv, error) = await AgentProcess.RunAsync("evaluate", "--results", folder.File("drop.json"), "--verdicts", folder.File("verdicts.csv"));

        Assert.True(code == 0, error);
        Assert.Contains("2 of 3 pictures in the results scored", error, StringComparison.Ordinal);
        Assert.Contains("person,0.30,0.500,1.000,1,1,0", csv.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task A_failed_alert_is_sent_after_the_retry_button_and_a_lost_stream_shows_reconnecting_then_up()
    {
        using var folder = new TempFolder();
        await using var smtp = await Smtp4dev.StartNewAsync();
        await smtp.StopAsync();
        await using var camera = await RtspServer.StartNewAsync(TestPaths.Picture(TestPaths.Images, "giraffe.jpg"));
        var drop = Directory.CreateDirectory(folder.File("drop")).FullName;
        var port = FreePort.Next();
        var config = Config(
            folder,
            smtp,
            port,
            streams: new JsonArray(new JsonObject { ["Id"] = "MAST-2", ["Url"] = camera.Url, ["StallTimeout"] = "00:00:03" }),
            drops: new JsonArray(new JsonObject { ["Id"] = "CT-07", ["Path"] = drop, ["StableFor"] = "00:00:00.5" }),
            outbox: new JsonObject { ["InitialRetryDelay"] = "00:00:00.2", ["MaxRetryDelay"] = "00:00:00.2", ["MaxAttempts"] = 2 });
        using var agent = new RunningAgent(Process.Start(AgentProcess.StartInfo("run", "--config", config))!);
        await agent.WaitForErrorAsync("Station page on", Patience);
        var page = await Browser.NewPageAsync();
        await page.GotoAsync($"http://127.0.0.1:{port}/");
        var timeout = new LocatorAssertionsToBeVisibleOptions { Timeout = (float)Patience.TotalMilliseconds };

        // The mail server is down: the alert fails after its two attempts.
        File.Copy(TestPaths.Picture(TestPaths.CameraTrap, "sn__human.jpg"), Path.Combine(drop, "IMG_0001.JPG"));
        var failed = page.Locator("#alerts li[data-channel='email'][data-state='failed']");
        await Assertions.Expect(failed).ToBeVisibleAsync(timeout);
        await page.ScreenshotAsync(new() { Path = Path.Combine(Screenshots, "station-failed-alert.png"), FullPage = true });

        await smtp.StartAsync();
        await failed.GetByRole(AriaRole.Button, new() { Name = "Retry" }).ClickAsync();
        await Assertions.Expect(page.Locator("#alerts li[data-channel='email'][data-state='sent']")).ToBeVisibleAsync(timeout);
        Assert.Single(await smtp.WaitForMessagesAsync(1, Patience));

        // The camera goes away and comes back.
        var mast = page.Locator("tr[data-source='MAST-2']");
        await Assertions.Expect(page.Locator("tr[data-source='MAST-2'][data-state='up']")).ToBeVisibleAsync(timeout);
        await camera.StopAsync();
        await Assertions.Expect(page.Locator("tr[data-source='MAST-2'][data-state='reconnecting']")).ToBeVisibleAsync(timeout);
        await Assertions.Expect(mast).ToContainTextAsync("MAST-2");
        await page.ScreenshotAsync(new() { Path = Path.Combine(Screenshots, "station-reconnecting.png"), FullPage = true });
        await camera.StartAsync();
        await Assertions.Expect(page.Locator("tr[data-source='MAST-2'][data-state='up']")).ToBeVisibleAsync(timeout);
        Assert.NotEmpty(await mast.Locator("td").Last.InnerTextAsync());
        Assert.Equal(1, await mast.Locator("img").CountAsync());

        // The camera's giraffe is counted today, and its count leads to its records.
        var giraffe = page.Locator("#counts a", new() { HasText = "giraffe" });
        await Assertions.Expect(giraffe).ToBeVisibleAsync(timeout);
        await giraffe.ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToContainTextAsync("giraffe: latest");
        await Assertions.Expect(page.Locator("td", new() { HasText = "MAST-2" }).First).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Beyond_loopback_the_page_asks_for_the_password_refuses_a_wrong_one_and_limits_tries()
    {
        using var folder = new TempFolder();
        var port = FreePort.Next();
        var config = Config(folder, null, port, listen: $"0.0.0.0:{port}");
        var start = AgentProcess.StartInfo("run", "--config", config);
        start.Environment["Station__Password"] = "correct horse battery staple";
        using var agent = new RunningAgent(Process.Start(start)!);
        await agent.WaitForErrorAsync("Station page on", Patience);

        var page = await Browser.NewPageAsync();
        await page.GotoAsync($"http://127.0.0.1:{port}/");
        Assert.EndsWith("/login", page.Url, StringComparison.Ordinal);
        Assert.Equal(401, (await page.APIRequest.GetAsync($"http://127.0.0.1:{port}/fragments/alerts", new() { MaxRedirects = 0 })).Status);

        await page.FillAsync("input[name=password]", "wrong password!");
        await page.ClickAsync("button");
        await Assertions.Expect(page.Locator(".error")).ToHaveTextAsync("Wrong password.");
        await page.FillAsync("input[name=password]", "correct horse battery staple");
        await page.ClickAsync("button");
        await Assertions.Expect(page.Locator("#sources")).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(Screenshots, "station-logged-in.png"), FullPage = true });

        // A POST without the form's anti-forgery token is refused even with a session.
        Assert.Equal(400, (await page.APIRequest.PostAsync($"http://127.0.0.1:{port}/alerts/x/email/retry")).Status);

        // Logging out ends the session on the agent: the old cookie, copied before, no longer opens the page.
        var session = (await page.Context.CookiesAsync()).Single(c => c.Name == "edge-agent-session");
        var copied = await Browser.NewContextAsync();
        await copied.AddCookiesAsync([new() { Name = session.Name, Value = session.Value, Domain = session.Domain, Path = session.Path }]);
        Assert.Equal(200, (await copied.APIRequest.GetAsync($"http://127.0.0.1:{port}/fragments/sources", new() { MaxRedirects = 0 })).Status);
        await page.ClickAsync("form[action='/logout'] button");
        await page.WaitForURLAsync("**/login");
        Assert.Equal(401, (await copied.APIRequest.GetAsync($"http://127.0.0.1:{port}/fragments/sources", new() { MaxRedirects = 0 })).Status);
        Assert.Equal(302, (await copied.APIRequest.GetAsync($"http://127.0.0.1:{port}/", new() { MaxRedirects = 0 })).Status);
        await copied.CloseAsync();

        // Five tries a minute from one address: the sixth is refused whatever the password.
        var other = await Browser.NewPageAsync();
        var statuses = new List<int>();
        IResponse? last = null;
        for (var i = 0; i < 4; i++)
        {
            await other.GotoAsync($"http://127.0.0.1:{port}/login");
            await other.FillAsync("input[name=password]", "guess " + i);
            last = await other.RunAndWaitForResponseAsync(() => other.ClickAsync("button"), r => r.Url.EndsWith("/login", StringComparison.Ordinal) && r.Request.Method == "POST");
            statuses.Add(last.Status);
        }

        Assert.Equal([401, 401, 401, 429], statuses);
        Assert.Equal("60", await last!.HeaderValueAsync("retry-after"));
        Assert.Contains("Too many password tries from this address", await last.TextAsync(), StringComparison.Ordinal);
        Assert.Contains("wrong password from", agent.Error, StringComparison.Ordinal);
    }

    private static string Config(
        TempFolder folder, Smtp4dev? smtp, int port, JsonArray? streams = null, JsonArray? drops = null, JsonObject? outbox = null, string? listen = null)
    {
        var json = AgentConfig.Create(folder, smtp);
        File.WriteAllText(folder.File("zones.geojson"), AgentConfig.Zones.Replace("Rhino Sanctuary", HostileZone.Replace("\"", "\\\"", StringComparison.Ordinal), StringComparison.Ordinal));
        json["Alerting"]!["Rules"]![0]!["Name"] = HostileRule;
        json["Alerting"]!["Rules"]![0]!["Cooldown"] = "00:00:00";
        json["Sources"] = new JsonObject { ["Streams"] = streams ?? [], ["DropFolders"] = drops ?? [], ["RescanInterval"] = "00:00:01" };
        json["Metrics"] = new JsonObject { ["Listen"] = $"127.0.0.1:{FreePort.Next()}" };
        json["Station"] = new JsonObject { ["Listen"] = listen ?? $"127.0.0.1:{port}" };
        if (outbox is not null)
        {
            json["Outbox"] = outbox;
        }

        return AgentConfig.Write(folder, json);
    }
}
