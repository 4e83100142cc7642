namespace EdgeAgent.IntegrationTests;

using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using EdgeAgent.IntegrationTests.Servers;
using EdgeAgent.Testing;

/// <summary>
/// A Prometheus scrape or a health probe that arrives while the agent starts must not end it: clients
/// hammer the metrics and page ports from before the process exists until after it has stopped.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class StartUnderLoadTests
{
    private const int Starts = 50;

    private const int Stops = 20;

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Agents_started_with_clients_connecting_throughout_all_serve_and_stop_cleanly()
    {
        using var folder = new TempFolder();
        var metricsPort = FreePort.Next();
        var config = DaemonTests.DaemonConfig(folder, null, null, metricsPort);
        var stationPort = int.Parse(((string)JsonNode.Parse(await File.ReadAllTextAsync(config))!["Station"]!["Listen"]!).Split(':')[1], System.Globalization.CultureInfo.InvariantCulture);
        var urls = new[] { $"http://127.0.0.1:{metricsPort}/healthz", $"http://127.0.0.1:{metricsPort}/metrics", $"http://127.0.0.1:{stationPort}/" };

        for (var run = 0; run < Starts; run++)
        {
            using var stopPolling = new CancellationTokenSource();
            var answered = urls.Select(_ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).ToArray();
            var polling = urls.Select((url, i) => PollAsync(url, answered[i], stopPolling.Token)).ToList();

            using var agent = new RunningAgent(Process.Start(AgentProcess.StartInfo("run", "--config", config))!);
            await agent.WaitForErrorAsync("Station page on", Patience);
            await agent.WaitForErrorAsync("health on /healthz", Patience);
            var everyPort = Task.WhenAll(answered.Select(a => a.Task));
            await Task.WhenAny(everyPort, agent.Process.WaitForExitAsync()).WaitAsync(Patience);
            Assert.True(everyPort.IsCompletedSuccessfully, $"start {run}: not every port answered: {agent.Error}");

            await AgentProcess.SignalAsync(agent.Process, "TERM");
            var (code, _, error) = await agent.WaitForExitAsync(Patience);
            await stopPolling.CancelAsync();
            await Task.WhenAll(polling);

            Assert.True(code == 0, $"start {run}: exit code {code}: {error}");
            Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Sigterm_at_twenty_moments_from_the_first_instant_with_a_stream_and_pictures_flowing_exits_0_and_leaves_the_records_whole()
    {
        using var folder = new TempFolder();
        var drop = Directory.CreateDirectory(folder.File("drop")).FullName;
        foreach (var picture in Directory.GetFiles(TestPaths.CameraTrap, "*.jpg"))
        {
            File.Copy(picture, Path.Combine(drop, Path.GetFileName(picture)));
        }

        // And a large PNG, decoded whole (no scaled decode as for a JPEG): a decode in flight at many stops.
        using (var noise = new OpenCvSharp.Mat(4000, 6000, OpenCvSharp.MatType.CV_8UC3))
        {
            OpenCvSharp.Cv2.Randu(noise, OpenCvSharp.Scalar.All(0), OpenCvSharp.Scalar.All(255));
            OpenCvSharp.Cv2.ImWrite(Path.Combine(drop, "large.png"), noise, new OpenCvSharp.ImageEncodingParam(OpenCvSharp.ImwriteFlags.PngCompression, 1));
        }

        await using var stream = new UdpStream(TestPaths.Picture(TestPaths.CameraTrap, "sn__human.jpg"));
        stream.Start();
        var metricsPort = FreePort.Next();
        var config = DaemonTests.DaemonConfig(
            folder, null, null, metricsPort,
            streams: new JsonArray(new JsonObject { ["Id"] = "CAM-1", ["Url"] = stream.Url, ["DetectionFps"] = 5 }),
            drops: new JsonArray(new JsonObject { ["Id"] = "CT-07", ["Path"] = drop, ["StableFor"] = "00:00:00.2" }));
        var stationPort = int.Parse(((string)JsonNode.Parse(await File.ReadAllTextAsync(config))!["Station"]!["Listen"]!).Split(':')[1], System.Globalization.CultureInfo.InvariantCulture);
        using var stopPolling = new CancellationTokenSource();
        var polling = new[] { $"http://127.0.0.1:{metricsPort}/healthz", $"http://127.0.0.1:{stationPort}/" }
            .Select(url => PollAsync(url, new TaskCompletionSource(), stopPolling.Token)).ToList();

        // A stream flows and pictures wait throughout, so that stops fall while frames are read, pictures
        // decoded and records written. Moments from about the runtime's first managed code (tens to hundreds of milliseconds after the
        // process starts, by the machine; before it the signal's default action ends the process) through loading
        // the model, warming it up and starting the stages, to pictures and frames flowing: 0.1 to 3.9 s, 200 ms apart.
        for (var run = 0; run < Stops; run++)
        {
            var moment = TimeSpan.FromMilliseconds(100 + (200 * run));
            using var agent = new RunningAgent(Process.Start(AgentProcess.StartInfo("run", "--config", config))!);
            await Task.Delay(moment); // The moment of the stop is what is tested.
            await AgentProcess.SignalAsync(agent.Process, "TERM");
            var (code, _, error) = await agent.WaitForExitAsync(Patience);

            // The documented exception: a signal before the runtime has run the agent's first line ends
            // the process by the signal (128 + 15) before it has written or opened anything.
            var endedBeforeManagedCode = code == 143 && error.Length == 0;
            Assert.True(code == 0 || endedBeforeManagedCode, $"stop {run} ({moment.TotalMilliseconds} ms): exit code {code}: {error}");
            Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
            if (run == Stops - 1)
            {
                Assert.True(code == 0 && error.Length > 0, $"the last stop ({moment.TotalMilliseconds} ms) came before the agent had started at all: exit code {code}");
            }
        }

        await stopPolling.CancelAsync();
        await Task.WhenAll(polling);
        using var records = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={folder.File("state/edge-agent.db")};Mode=ReadOnly");
        records.Open();
        using var check = records.CreateCommand();
        check.CommandText = "PRAGMA integrity_check";
        Assert.Equal("ok", (string?)check.ExecuteScalar());
    }

    /// <summary>Connects again and again, as fast as the port allows, until told to stop; says when it was first answered.</summary>
    private static async Task PollAsync(string url, TaskCompletionSource answered, CancellationToken stop)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        while (!stop.IsCancellationRequested)
        {
            try
            {
                using var response = await http.GetAsync(url, stop);
                if (response.StatusCode is HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable)
                {
                    answered.TrySetResult();
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet, or stopping: connect again.
            }
        }
    }
}
