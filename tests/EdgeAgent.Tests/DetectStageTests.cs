namespace EdgeAgent.Tests;

using EdgeAgent.Common.Observations;
using EdgeAgent.Detection;
using EdgeAgent.Pipeline;
using EdgeAgent.Sources;
using OpenCvSharp;

/// <summary>The detect stage and the resequencer with a detector that answers what a test tells it.</summary>
public sealed class DetectStageTests
{
    private static Frame Picture(string source, int width) => new(source, DateTimeOffset.UnixEpoch, new Mat(2, width, MatType.CV_8UC3), 400, 400, 4f);

    [Fact]
    public async Task Workers_detect_every_frame_scale_boxes_to_the_original_and_turn_a_failure_into_that_frames_result()
    {
        using var detector = new FakeDetector();
        var hub = new FrameHub(fileCapacity: 8);
        var results = new List<DetectedFrame>();
        var all = new TaskCompletionSource();
        using var stop = new CancellationTokenSource();
        var workers = new DetectorWorkers(detector, new ConfidencePolicy(0.3f));
        var running = workers.RunAsync(2, hub, d =>
        {
            lock (results)
            {
                results.Add(d);
                if (results.Count == 6)
                {
                    all.SetResult();
                }
            }
        }, stop.Token);

        for (var i = 1; i <= 6; i++)
        {
            // A frame 13 pixels wide makes the fake detector throw.
            await hub.EnqueueFileAsync(Picture("CT-07", i == 3 ? 13 : i), CancellationToken.None);
        }

        await all.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await stop.CancelAsync();
        await running.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal([1L, 2, 3, 4, 5, 6], results.Select(r => r.Frame.Sequence).Order());
        var failed = Assert.Single(results, r => r.Failure is not null);
        Assert.Equal(13, failed.Frame.Pixels.Width);
        Assert.Equal("detection failed: the model cannot read this", failed.Failure);
        Assert.All(results.Where(r => r.Failure is null), r => Assert.Equal(new BoundingBox(4, 8, 40, 4), Assert.Single(r.Detections).Box));
        Assert.Equal(6, detector.Calls);
    }

    [Fact]
    public void The_resequencer_lets_a_sources_frames_out_in_order_and_does_not_hold_back_other_sources()
    {
        var resequencer = new Resequencer(capacity: 4);
        DetectedFrame Result(string source, long sequence) => new(new Frame(source, DateTimeOffset.UnixEpoch, new Mat(), 0, 0, 1f) { Sequence = sequence }, []);

        resequencer.Add(Result("CT-07", 2));
        resequencer.Add(Result("mast-1", 1));
        resequencer.Add(Result("CT-07", 3));
        Assert.True(resequencer.Output.TryRead(out var first));
        Assert.Equal(("mast-1", 1L), (first.Frame.SourceId, first.Frame.Sequence));
        Assert.False(resequencer.Output.TryRead(out _));

        resequencer.Add(Result("CT-07", 1));
        var rest = new List<long>();
        while (resequencer.Output.TryRead(out var next))
        {
            rest.Add(next.Frame.Sequence);
        }

        Assert.Equal([1L, 2, 3], rest);
    }

    [Fact]
    public void Per_category_minimums_hold_back_an_unsure_person_and_keep_an_animal_as_sure()
    {
        using var detector = new FakeDetector(
            new Detection("person", DetectionCategory.Person, 0.43f, new BoundingBox(1, 2, 10, 10)),
            new Detection("puma", DetectionCategory.Animal, 0.43f, new BoundingBox(20, 2, 10, 10)),
            new Detection("car", DetectionCategory.Vehicle, 0.8f, new BoundingBox(40, 2, 10, 10)));
        var thresholds = new DetectionThresholds { Typical = 0.3f, Categories = new Dictionary<string, float> { ["person"] = 0.5f, ["vehicle"] = 0.5f } };
        using var frame = new Frame("CT-07", DateTimeOffset.UnixEpoch, new Mat(64, 64, MatType.CV_8UC3), 64, 64, 1f);

        var byCategory = new DetectorWorkers(detector, new ConfidencePolicy(0.3f, thresholds)).Detect(frame);
        var flat = new DetectorWorkers(detector, new ConfidencePolicy(0.3f)).Detect(frame);

        Assert.Equal(["puma", "car"], byCategory.Detections.Select(d => d.Label));
        Assert.Equal(3, flat.Detections.Count);
        // A category with a lower minimum than the rest lowers what the model is asked for.
        Assert.Equal(0.2f, new ConfidencePolicy(0.3f, thresholds with { Categories = new Dictionary<string, float> { ["animal"] = 0.2f } }).AskFor);
        // Without a minimum of the user's, the manifest's typical threshold and its categories' own apply; with one, that alone.
        var manifest = ModelManifest.Load(EdgeAgent.Testing.TestPaths.DefaultManifest) with { Thresholds = thresholds };
        Assert.Equal(new ConfidencePolicy(0.3f, thresholds), ConfidencePolicy.For(manifest, null));
        Assert.Equal(new ConfidencePolicy(0.6f), ConfidencePolicy.For(manifest, 0.6f));
    }

    [Fact]
    public void A_drones_large_frame_goes_to_the_tiled_detector_and_small_or_other_frames_do_not()
    {
        var manifest = ModelManifest.Load(EdgeAgent.Testing.TestPaths.DefaultManifest);
        using var whole = new NamedDetector(manifest, "whole");
        using var tiles = new NamedDetector(manifest, "tiles");
        var workers = new DetectorWorkers(whole, new ConfidencePolicy(0.3f), tiled: tiles);
        string LabelFor(int width, bool tile)
        {
            using var frame = new Frame("DRONE-1", DateTimeOffset.UnixEpoch, new Mat(width * 9 / 16, width, MatType.CV_8UC3), width, width * 9 / 16, 1f) { Tile = tile };
            return workers.Detect(frame).Detections.Single().Label;
        }

        // 1920 px is over twice the 416-pixel input; 640 px is not.
        Assert.Equal("tiles", LabelFor(1920, tile: true));
        Assert.Equal("whole", LabelFor(640, tile: true));
        Assert.Equal("whole", LabelFor(1920, tile: false));
    }

    private sealed class NamedDetector(ModelManifest manifest, string name) : IDetector
    {
        public ModelManifest Manifest => manifest;

        public IReadOnlyList<Detection> Detect(Mat picture, float minConfidence, StageTimings? timings = null) =>
            [new Detection(name, DetectionCategory.Animal, 0.9f, new BoundingBox(1, 2, 10, 10))];

        public void Dispose()
        {
        }
    }

    [Fact]
    public async Task A_results_file_that_cannot_be_written_ends_the_batch_with_its_error_instead_of_leaving_it_waiting()
    {
        using var detector = new NamedDetector(ModelManifest.Load(EdgeAgent.Testing.TestPaths.DefaultManifest), "animal");
        var pictures = Sources.PictureFiles.Find([EdgeAgent.Testing.TestPaths.CameraTrap], recursive: false, _ => { });
        var pipeline = new Jobs.PictureBatchPipeline(detector, new ConfidencePolicy(0.3f), new Jobs.PipelineOptions { DetectWorkers = 2, DecodeWorkers = 2 }, 416, 416);

        // The checkpoint after the first picture finds the disk full.
        var run = pipeline.RunAsync(pictures, _ => throw new IOException("No space left on device"), null, CancellationToken.None);

        var error = await Assert.ThrowsAsync<IOException>(() => run.WaitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("No space left", error.Message, StringComparison.Ordinal);
    }

    private sealed class FakeDetector(params Detection[] found) : IDetector
    {
        private int _calls;

        public int Calls => _calls;

        public ModelManifest Manifest => throw new NotSupportedException();

        public IReadOnlyList<Detection> Detect(Mat picture, float minConfidence, StageTimings? timings = null)
        {
            Interlocked.Increment(ref _calls);
            return picture.Width == 13
                ? throw new InvalidOperationException("the model cannot read this")
                : found.Length > 0 ? found.Where(d => d.Confidence >= minConfidence).ToList() : [new Detection("zebra", DetectionCategory.Animal, 0.9f, new BoundingBox(1, 2, 10, 1))];
        }

        public void Dispose()
        {
        }
    }
}
