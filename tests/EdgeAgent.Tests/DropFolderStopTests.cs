namespace EdgeAgent.Tests;

using EdgeAgent.Alerting.Geofencing;
using EdgeAgent.Common.Observations;
using EdgeAgent.Detection;
using EdgeAgent.Hosting;
using EdgeAgent.Sources;
using EdgeAgent.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenCvSharp;

/// <summary>
/// The drop-folder stage and its native decodes at a stop: a process that exits while OpenCV still
/// decodes on a pool thread crashes in OpenCV's static destructors, so the stage may only end after
/// the last decode it started.
/// </summary>
public sealed class DropFolderStopTests
{
    [Fact]
    public async Task The_stage_stops_only_after_a_decode_that_nothing_waits_for_yet_has_ended()
    {
        using var folder = new TempFolder();
        var drop = Directory.CreateDirectory(folder.File("drop")).FullName;
        var camera = Directory.CreateDirectory(folder.File("camera")).FullName;
        void Arrive(string name, int width, int height)
        {
            // Noise in a PNG: decoded whole, never scaled down on the way as a JPEG can be. Written
            // beside the folder and moved in, as a complete upload arrives.
            using var noise = new Mat(height, width, MatType.CV_8UC3);
            Cv2.Randu(noise, Scalar.All(0), Scalar.All(255));
            Cv2.ImWrite(Path.Combine(camera, name), noise, new ImageEncodingParam(ImwriteFlags.PngCompression, 1));
            File.Move(Path.Combine(camera, name), Path.Combine(drop, name));
        }

        // Room for one picture in the detector's queue, which nothing reads: the first picture waits
        // there, the second is handed on and blocks.
        const string Source = "CT-stop";
        var sources = new SourcesOptions { DecodeWorkers = 1, DropFolders = [new DropFolderOptions { Id = Source, Path = drop, StableFor = TimeSpan.Zero }] };
        using var detector = new InputOnly(ModelManifest.Load(TestPaths.DefaultManifest));
        var log = new HookedLogger();
        using var stage = new DropFolderService(
            Options.Create(sources), Options.Create(new DetectorOptions()), new FrameHub(fileCapacity: 1), new NothingDone(),
            new CameraRegistry(Options.Create(new GeofencingOptions())), detector, new AgentHealth(TimeProvider.System), TimeProvider.System, log);
        var read = AgentMetrics.FramesRead.WithLabels(Source);
        var before = read.Value;
        Arrive("IMG_0001.png", 640, 480);
        Arrive("IMG_0002.png", 640, 480);
        await stage.StartAsync(CancellationToken.None);
        var patience = DateTime.UtcNow.AddSeconds(60);
        while (read.Value < before + 2)
        {
            Assert.True(DateTime.UtcNow < patience, "the first two pictures were not read within a minute");
            await Task.Delay(1); // Polls the stage's count of pictures read.
        }

        // The third picture, large, is decoded with only the queue between the stages holding it — the
        // decode a stop used to leave running. The stop begins as its decode does, on the decode's own
        // thread (as the log line says it starts), so that it is in flight whatever the machine's load.
        // Its cancellation reaches the forwarder on a pool thread, which on an idle machine may come only
        // once the decode is done: a decode left running is caught under load, not on every run.
        var stopping = new TaskCompletionSource<Task>(TaskCreationOptions.RunContinuationsAsynchronously);
        log.OnLine = line =>
        {
            if (line.EndsWith("decoding IMG_0003.png", StringComparison.Ordinal))
            {
                stopping.SetResult(stage.StopAsync(CancellationToken.None));
            }
        };
        Arrive("IMG_0003.png", 6000, 4000);
        var stop = await stopping.Task.WaitAsync(TimeSpan.FromSeconds(60));
        await stop.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(0, stage.DecodesRunning);
        Assert.True(stage.ExecuteTask?.IsCompleted);
    }

    /// <summary>The model's input size is all the stage asks of the detector.</summary>
    private sealed class InputOnly(ModelManifest manifest) : IDetector
    {
        public ModelManifest Manifest => manifest;

        public IReadOnlyList<Detection> Detect(Mat picture, float minConfidence, StageTimings? timings = null) => throw new NotSupportedException();

        public void Dispose()
        {
        }
    }

    /// <summary>Hands each log line to the test as it is written.</summary>
    private sealed class HookedLogger : ILogger<DropFolderService>
    {
        public Action<string> OnLine { get; set; } = _ => { };

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => true;

        public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            OnLine(formatter(state, exception));
    }

    private sealed class NothingDone : IPictureLedger
    {
        public bool IsDone(FileKey file) => false;
    }
}
