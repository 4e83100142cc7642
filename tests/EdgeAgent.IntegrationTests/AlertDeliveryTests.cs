namespace EdgeAgent.IntegrationTests;

using System.Diagnostics;
using System.Text.Json.Nodes;
using EdgeAgent.Alerting.Outbox;
using EdgeAgent.Common;
using EdgeAgent.IntegrationTests.Servers;
using EdgeAgent.Testing;
using Microsoft.Extensions.Options;
using MimeKit;

/// <summary>Alerts through the real agent process to a real SMTP server (smtp4dev) and a real broker (Mosquitto).</summary>
public sealed class AlertDeliveryTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_test_alert_reaches_the_mail_server_and_the_broker()
    {
        using var folder = new TempFolder();
        await using var smtp = await Smtp4dev.StartNewAsync();
        await using var broker = await Mosquitto.StartNewAsync();
        await using var probe = await MqttProbe.ConnectAsync(broker.BrokerPort);
        var config = AgentConfig.Write(folder, AgentConfig.Create(folder, smtp, broker));

        var (code, stdout, stderr) = await AgentProcess.RunAsync("send-test-alert", "--config", config);

        Assert.True(code == 0, stdout + stderr);
        Assert.Contains("email: sent", stdout, StringComparison.Ordinal);
        Assert.Contains("mqtt: sent", stdout, StringComparison.Ordinal);

        var message = Assert.Single(await smtp.WaitForMessagesAsync(1, Patience));
        var id = message.Headers["X-Edge-Agent-Alert-Id"];
        Assert.Equal($"{id}@jetson-test", message.MessageId);
        Assert.Matches(@"^\[INFO\] test in Rhino Sanctuary — camera CT-07 — \d{4}-\d\d-\d\d \d\d:\d\d UTC$", message.Subject);
        Assert.Equal("edge-agent@example.org", message.From.Mailboxes.Single().Address);
        Assert.Equal("ranger@example.org", message.To.Mailboxes.Single().Address);
        Assert.Contains("Zone: Rhino Sanctuary (rhino)", message.TextBody, StringComparison.Ordinal);
        Assert.Contains("https://www.openstreetmap.org/?mlat=-1.4&mlon=35.1", message.TextBody, StringComparison.Ordinal);
        Assert.Contains("Africa/Nairobi (UTC+03:00)", message.TextBody, StringComparison.Ordinal);
        var picture = message.BodyParts.OfType<MimePart>().Single(p => p.ContentType.MimeType == "image/jpeg");
        Assert.Contains($"cid:{picture.ContentId}", message.HtmlBody, StringComparison.Ordinal);
        using var bytes = new MemoryStream();
        await picture.Content!.DecodeToAsync(bytes);
        Assert.InRange(bytes.Length, 1_000, 150 * 1024);
        using var decoded = OpenCvSharp.Cv2.ImDecode(bytes.ToArray(), OpenCvSharp.ImreadModes.Color);
        Assert.False(decoded.Empty());

        var events = await probe.WaitForAsync(m => m.Topic == "edge-agent/jetson-test/events", 1, Patience);
        var alert = JsonNode.Parse(Assert.Single(events).Payload)!;
        Assert.Equal("alert", (string?)alert["type"]);
        Assert.Equal(id, (string?)alert["id"]);
        Assert.Equal("rhino", (string?)alert["zone"]!["id"]);
        Assert.Equal("CT-07", (string?)alert["observation"]!["source"]);

        // A clean stop says offline on the retained status topic.
        var status = await probe.WaitForAsync(m => m.Topic == "edge-agent/jetson-test/status", 2, Patience);
        Assert.Equal(["online", "offline"], status.Select(s => s.Payload));
    }

    [Fact]
    public async Task Alerts_raised_while_the_mail_server_is_down_are_delivered_once_when_it_is_back()
    {
        using var folder = new TempFolder();
        await using var smtp = await Smtp4dev.StartNewAsync();
        var config = AgentConfig.Write(folder, AgentConfig.Create(folder, smtp));
        await smtp.StopAsync();

        using var agent = Start("send-test-alert", "--config", config, "--count", "3");
        await agent.WaitForErrorAsync("not sent by email", Patience);
        await smtp.StartAsync();
        var (code, stdout, stderr) = await agent.WaitForExitAsync(Patience);

        Assert.True(code == 0, stdout + stderr);
        Assert.Contains("email: 3 sent", stdout, StringComparison.Ordinal);
        var messages = await smtp.WaitForMessagesAsync(3, Patience);
        var ids = await SentIdsAsync(folder);
        Assert.Equal(ids.Order(), messages.Select(m => m.MessageId!.Split('@')[0]).Order());
    }

    [Fact]
    public async Task An_agent_killed_mid_send_delivers_everything_after_a_restart()
    {
        using var folder = new TempFolder();

        // Each message takes the server a second to accept, so the kill lands mid-send.
        await using var smtp = await Smtp4dev.StartNewAsync(messageValidation: "delay(1)");
        var config = AgentConfig.Write(folder, AgentConfig.Create(folder, smtp));

        using (var agent = Start("send-test-alert", "--config", config, "--count", "4"))
        {
            await smtp.WaitForMessagesAsync(1, Patience);
            await AgentProcess.SignalAsync(agent.Process, "KILL");
            await agent.Process.WaitForExitAsync();
        }

        var before = await ListAsync(folder);
        Assert.Equal(4, before.Count);
        Assert.Contains(before, e => e.State != OutboxState.Sent);

        var (code, stdout, stderr) = await AgentProcess.RunAsync("send-test-alert", "--config", config, "--count", "0");

        Assert.True(code == 0, stdout + stderr);
        var after = await ListAsync(folder);
        Assert.All(after, e => Assert.Equal(OutboxState.Sent, e.State));
        var delivered = (await smtp.WaitForMessagesAsync(4, Patience)).Select(m => m.MessageId!.Split('@')[0]).ToHashSet();
        Assert.Superset(after.Select(e => e.Id).ToHashSet(), delivered);
        Assert.Subset(after.Select(e => e.Id).ToHashSet(), delivered);
    }

    [Fact]
    public async Task A_recipient_the_server_refuses_fails_after_the_configured_attempts_with_the_reply_kept()
    {
        using var folder = new TempFolder();
        await using var smtp = await Smtp4dev.StartNewAsync(recipientValidation: "recipient != \"nobody@example.org\"");
        var json = AgentConfig.Create(folder, smtp);
        json["Email"]!["To"] = new JsonArray("nobody@example.org");
        json["Outbox"]!["MaxAttempts"] = 2;
        var config = AgentConfig.Write(folder, json);

        var (code, stdout, stderr) = await AgentProcess.RunAsync("send-test-alert", "--config", config, "--count", "1");

        Assert.True(code == 1, stdout + stderr);
        Assert.Contains("failed after 2 attempts", stdout, StringComparison.Ordinal);
        var entry = Assert.Single(await ListAsync(folder));
        Assert.Equal((OutboxState.Failed, 2), (entry.State, entry.Attempts));
        Assert.Contains("answered 550", entry.LastError, StringComparison.Ordinal);
        Assert.Empty(await smtp.MessagesAsync());
    }

    [Fact]
    public async Task Events_raised_while_the_broker_is_down_are_published_when_it_is_back()
    {
        using var folder = new TempFolder();
        await using var broker = await Mosquitto.StartNewAsync();
        var json = AgentConfig.Create(folder, mqtt: broker);

        // Slow, even retries: the probe must be subscribed again before the next attempt.
        json["Outbox"]!["InitialRetryDelay"] = "00:00:04";
        json["Outbox"]!["MaxRetryDelay"] = "00:00:04";
        var config = AgentConfig.Write(folder, json);
        await broker.StopAsync();

        using var agent = Start("send-test-alert", "--config", config, "--count", "2");
        await agent.WaitForErrorAsync("not sent by mqtt", Patience);
        await broker.StartAsync();
        await using var probe = await MqttProbe.ConnectAsync(broker.BrokerPort);
        var (code, stdout, stderr) = await agent.WaitForExitAsync(Patience);

        Assert.True(code == 0, stdout + stderr);
        var events = await probe.WaitForAsync(m => m.Topic.EndsWith("/events", StringComparison.Ordinal), 2, Patience);
        Assert.Equal(
            (await SentIdsAsync(folder)).Order(),
            events.Select(e => (string)JsonNode.Parse(e.Payload)!["id"]!).Order());
    }

    [Fact]
    public async Task The_broker_says_offline_for_an_agent_killed_with_sigkill()
    {
        using var folder = new TempFolder();
        await using var broker = await Mosquitto.StartNewAsync();
        await using var smtp = await Smtp4dev.StartNewAsync();
        await using var probe = await MqttProbe.ConnectAsync(broker.BrokerPort);
        var config = AgentConfig.Write(folder, AgentConfig.Create(folder, smtp, broker));
        await smtp.StopAsync();

        // The mail server is down, so the drill keeps the agent running.
        using var agent = Start("send-test-alert", "--config", config, "--count", "1");
        Assert.Single(await probe.WaitForAsync(m => m.Topic.EndsWith("/status", StringComparison.Ordinal) && m.Payload == "online", 1, Patience));
        await AgentProcess.SignalAsync(agent.Process, "KILL");

        var offline = await probe.WaitForAsync(m => m.Topic.EndsWith("/status", StringComparison.Ordinal) && m.Payload == "offline", 1, Patience);
        Assert.Single(offline);
    }

    private static async Task<IReadOnlyList<OutboxEntry>> ListAsync(TempFolder folder)
    {
        await using var outbox = new AlertOutbox(Options.Create(new DatabaseOptions { Path = folder.File("state/edge-agent.db") }), TimeProvider.System);
        return await outbox.ListAsync();
    }

    private static async Task<List<string>> SentIdsAsync(TempFolder folder) =>
        (await ListAsync(folder)).Where(e => e.State == OutboxState.Sent).Select(e => e.Id).ToList();

    private static RunningAgent Start(params string[] arguments) => new(Process.Start(AgentProcess.StartInfo(arguments))!);
}

/// <summary>An agent process whose output the test watches while it runs.</summary>
internal sealed class RunningAgent : IDisposable
{
    private readonly System.Text.StringBuilder _output = new();
    private readonly System.Text.StringBuilder _error = new();

    public RunningAgent(Process process)
    {
        Process = process;
        // The end of each stream is told by a null line, which is not output: a process that wrote nothing leaves both empty.
        process.OutputDataReceived += (_, e) => Append(_output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(_error, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public Process Process { get; }

    public string Error
    {
        get
        {
            lock (_error)
            {
                return _error.ToString();
            }
        }
    }

    public async Task WaitForErrorAsync(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!Error.Contains(text, StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < deadline && !Process.HasExited, $"the agent never said '{text}': {Error}");
            await Task.Delay(50);
        }
    }

    public async Task<(int Code, string Output, string Error)> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        await Process.WaitForExitAsync(cancel.Token);
        Process.WaitForExit();
        lock (_output)
        {
            return (Process.ExitCode, _output.ToString(), Error);
        }
    }

    public void Dispose()
    {
        if (!Process.HasExited)
        {
            Process.Kill(entireProcessTree: true);
        }

        Process.Dispose();
    }

    private static void Append(System.Text.StringBuilder text, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (text)
        {
            text.AppendLine(line);
        }
    }
}
