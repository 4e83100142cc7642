namespace EdgeAgent.IntegrationTests;

using System.Diagnostics;
using System.Text.Json.Nodes;
using EdgeAgent.IntegrationTests.Servers;
using EdgeAgent.Testing;
using Microsoft.Data.Sqlite;

/// <summary>
/// The daemon stopped and killed at any moment: every picture is recorded exactly once, every alert
/// goes out, and any copy of an e-mail sent twice carries the same Message-ID.
/// </summary>
public sealed class CrashAndRestartTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Sigterm_at_twenty_random_moments_of_a_burst_exits_0_and_records_each_picture_once_and_alerts_once_per_id()
    {
        using var folder = new TempFolder();
        await using var smtp = await Smtp4dev.StartNewAsync();
        var drop = Directory.CreateDirectory(folder.File("drop")).FullName;
        var config = DaemonTests.DaemonConfig(folder, smtp, null, drops: new JsonArray(new JsonObject { ["Id"] = "CT-07", ["Path"] = drop, ["StableFor"] = "00:00:00.2" }));

        // Bursts of 30 pictures (the 15 camera-trap pictures twice, under other names), a new one
        // whenever the last is done, so that each stop falls while pictures are in flight.
        var sources = Directory.GetFiles(TestPaths.CameraTrap, "*.jpg").Order().ToArray();
        var bursts = 0;
        void Burst()
        {
            var burst = Directory.CreateDirectory(Path.Combine(drop, $"burst-{++bursts:00}")).FullName;
            for (var i = 0; i < 30; i++)
            {
                File.Copy(sources[i % sources.Length], Path.Combine(burst, $"IMG_{i:0000}.JPG"));
            }
        }

        var random = new Random(20261126);
        for (var run = 0; run < 20; run++)
        {
            if (DaemonTests.FilesDone(folder) >= 30 * bursts)
            {
                Burst();
            }

            var done = DaemonTests.FilesDone(folder);
            using var agent = new RunningAgent(Process.Start(AgentProcess.StartInfo("run", "--config", config))!);
            await agent.WaitForErrorAsync("Drop folder CT-07: watching", Patience);

            // A moment anywhere from before this run's first picture is committed to well into the
            // burst: once a random number of further pictures (0 to 25) are in the ledger.
            var target = Math.Min(done + random.Next(0, 26), 30 * bursts);
            await DaemonTests.WaitUntilAsync(() => DaemonTests.FilesDone(folder) >= target, agent);
            await AgentProcess.SignalAsync(agent.Process, "TERM");
            var (code, _, stderr) = await agent.WaitForExitAsync(Patience);
            Assert.True(code == 0, $"run {run}: exit code {code}: {stderr}");
        }

        var total = 30 * bursts;
        using (var last = new RunningAgent(Process.Start(AgentProcess.StartInfo("run", "--config", config))!))
        {
            await last.WaitForErrorAsync("Drop folder CT-07: watching", Patience);
            await DaemonTests.WaitUntilAsync(() => DaemonTests.FilesDone(folder) >= total && PendingAlerts(folder) == 0, last);
            await AgentProcess.SignalAsync(last.Process, "TERM");
            Assert.Equal(0, (await last.WaitForExitAsync(Patience)).Code);
        }

        using var db = new SqliteConnection($"Data Source={folder.File("state/edge-agent.db")};Mode=ReadOnly");
        db.Open();
        Assert.True(bursts > 1, "every stop came after its burst was done");
        Assert.Equal(total, DaemonTests.Scalar(db, "SELECT COUNT(*) FROM files_done"));
        Assert.Equal(0, DaemonTests.Scalar(db, "SELECT COUNT(*) FROM files_done WHERE failure IS NOT NULL"));

        // A picture recorded twice would have twice its detections.
        Assert.Equal(DaemonTests.Scalar(db, "SELECT SUM(detections) FROM files_done"), DaemonTests.Scalar(db, "SELECT COUNT(*) FROM detections"));

        // Alerts: every one sent; each e-mail is one of them, by Message-ID; copies only with the same id.
        var alertIds = Strings(db, "SELECT DISTINCT id FROM outbox WHERE channel = 'email'");
        Assert.NotEmpty(alertIds);
        Assert.Equal(alertIds.Count, DaemonTests.Scalar(db, "SELECT COUNT(*) FROM outbox WHERE channel = 'email' AND state = 'sent'"));
        Assert.Equal(alertIds.Count, DaemonTests.Scalar(db, "SELECT COUNT(DISTINCT alert_id) FROM detections WHERE alert_id IS NOT NULL"));
        var mail = await smtp.WaitForMessagesAsync(alertIds.Count, Patience);
        var messageIds = mail.Select(m => m.MessageId?.Split('@')[0]).ToHashSet();
        Assert.Equal(alertIds.Order(), messageIds.Order());
    }

    [Fact]
    public async Task Sigkill_after_the_alert_is_stored_and_before_it_is_sent_delivers_it_after_the_restart_with_its_id()
    {
        using var folder = new TempFolder();
        await using var smtp = await Smtp4dev.StartNewAsync();
        await smtp.StopAsync();
        var drop = Directory.CreateDirectory(folder.File("drop")).FullName;
        var config = DaemonTests.DaemonConfig(folder, smtp, null, drops: new JsonArray(new JsonObject { ["Id"] = "CT-07", ["Path"] = drop, ["StableFor"] = "00:00:00.2" }));
        File.Copy(TestPaths.Picture(TestPaths.CameraTrap, "sn__human.jpg"), Path.Combine(drop, "IMG_0001.JPG"));

        string alertId;
        using (var agent = new RunningAgent(Process.Start(AgentProcess.StartInfo("run", "--config", config))!))
        {
            // The mail server is down: the alert is committed with its picture's record and waits.
            await agent.WaitForErrorAsync("not sent by email", Patience);
            alertId = Strings(folder, "SELECT id FROM outbox WHERE channel = 'email'").Single();
            await AgentProcess.SignalAsync(agent.Process, "KILL");
            await agent.WaitForExitAsync(Patience);
        }

        await smtp.StartAsync();
        using (var agent = new RunningAgent(Process.Start(AgentProcess.StartInfo("run", "--config", config))!))
        {
            var mail = await smtp.WaitForMessagesAsync(1, Patience);
            Assert.Equal($"{alertId}@jetson-test", Assert.Single(mail).MessageId);
            await agent.WaitForErrorAsync($"Alert {alertId} sent by email", Patience);
            Assert.DoesNotContain("Alert " + alertId + " (Critical", agent.Error, StringComparison.Ordinal);
        }

        // The picture was done before the kill: not processed again, its alert not raised again.
        Assert.Equal([alertId], Strings(folder, "SELECT DISTINCT id FROM outbox"));
        Assert.Equal(["IMG_0001.JPG"], Strings(folder, "SELECT path FROM files_done"));
    }

    private static long PendingAlerts(TempFolder folder)
    {
        using var db = new SqliteConnection($"Data Source={folder.File("state/edge-agent.db")};Mode=ReadOnly");
        db.Open();
        return DaemonTests.Scalar(db, "SELECT COUNT(*) FROM outbox WHERE state <> 'sent'");
    }

    private static List<string> Strings(TempFolder folder, string sql)
    {
        using var db = new SqliteConnection($"Data Source={folder.File("state/edge-agent.db")};Mode=ReadOnly");
        db.Open();
        return Strings(db, sql);
    }

    private static List<string> Strings(SqliteConnection db, string sql)
    {
        using var command = db.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var values = new List<string>();
        while (reader.Read())
        {
            values.Add(reader.GetString(0));
        }

        return values;
    }
}
