namespace EdgeAgent.IntegrationTests;

using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using EdgeAgent.IntegrationTests.Servers;
using EdgeAgent.Testing;

/// <summary>Burst confirmation in <c>edge-agent run</c>: real pictures in real drop folders, real e-mails.</summary>
public sealed class BurstConfirmationTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task A_person_in_two_pictures_of_a_burst_alerts_as_the_rule_says_and_one_in_a_lone_picture_goes_out_lower_after_the_gap()
    {
        using var folder = new TempFolder();
        await using var smtp = await Smtp4dev.StartNewAsync();
        var lone = Directory.CreateDirectory(folder.File("ct07")).FullName;
        var burst = Directory.CreateDirectory(folder.File("ct08")).FullName;
        var metricsPort = FreePort.Next();
        var config = DaemonTests.DaemonConfig(folder, smtp, null, metricsPort, drops: new JsonArray(
            new JsonObject { ["Id"] = "CT-07", ["Path"] = lone, ["StableFor"] = "00:00:00.5" },
            new JsonObject { ["Id"] = "CT-08", ["Path"] = burst, ["StableFor"] = "00:00:00.5" }));
        var json = JsonNode.Parse(await File.ReadAllTextAsync(config))!.AsObject();
        var rule = json["Alerting"]!["Rules"]![0]!;

        // The model sees the person in sn__human.jpg at 0.79: below 0.9, so it needs its burst.
        rule["Confirm"] = new JsonObject { ["Below"] = 0.9, ["BurstGap"] = "00:00:03" };
        rule["Cooldown"] = "00:10:00";
        json["Geofencing"]!["Cameras"]!.AsArray().Add(new JsonObject { ["Id"] = "CT-08", ["Latitude"] = -1.41, ["Longitude"] = 35.11 });
        await File.WriteAllTextAsync(config, json.ToJsonString());
        using var agent = new RunningAgent(Process.Start(AgentProcess.StartInfo("run", "--config", config))!);

        // CT-08 shoots a burst of two (the same capture time in both); CT-07 one picture alone.
        var human = TestPaths.Picture(TestPaths.CameraTrap, "sn__human.jpg");
        File.Copy(human, Path.Combine(burst, "IMG_0001.JPG"));
        File.Copy(human, Path.Combine(burst, "IMG_0002.JPG"));
        File.Copy(human, Path.Combine(lone, "IMG_0001.JPG"));

        var messages = await smtp.WaitForMessagesAsync(2, Patience);
        Assert.True(messages.Count == 2, agent.Error);
        var confirmed = Assert.Single(messages, m => (m.Subject ?? "").Contains("CT-08", StringComparison.Ordinal));
        Assert.StartsWith("[ALERT] person in Rhino Sanctuary — camera CT-08", confirmed.Subject, StringComparison.Ordinal);
        Assert.Contains("seen in 2 of 2 pictures of its burst: confirmed", confirmed.TextBody ?? "", StringComparison.Ordinal);
        var unconfirmed = Assert.Single(messages, m => (m.Subject ?? "").Contains("CT-07", StringComparison.Ordinal));
        Assert.StartsWith("[WARNING] person (unconfirmed) in Rhino Sanctuary — camera CT-07", unconfirmed.Subject, StringComparison.Ordinal);
        Assert.Contains("seen in 1 of 1 pictures of its burst: not confirmed, so Critical lowered", unconfirmed.TextBody ?? "", StringComparison.Ordinal);

        // Every picture is recorded, the unconfirmed person too; the wait was the burst gap and no more.
        await DaemonTests.WaitUntilAsync(() => DaemonTests.FilesDone(folder) == 3, agent);
        using var http = new HttpClient();
        var metrics = (await http.GetStringAsync($"http://127.0.0.1:{metricsPort}/metrics")).Split('\n');
        double Metric(string name) => double.Parse(metrics.Single(l => l.StartsWith(name + " ", StringComparison.Ordinal)).Split(' ')[1], CultureInfo.InvariantCulture);
        Assert.Equal(2, Metric("edge_agent_burst_hold_seconds_count"));
        var longest = Metric("edge_agent_burst_hold_seconds_sum");
        Assert.InRange(longest, 3.0, 3.0 + 3.0);
        Console.WriteLine($"burst hold: {longest:0.000} s in all for the two held pictures (gap 3 s)");
    }
}
