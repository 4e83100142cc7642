namespace EdgeAgent.Jobs;

using System.Diagnostics;
using EdgeAgent.Common.Observations;
using EdgeAgent.Detection;
using EdgeAgent.Pipeline;
using EdgeAgent.Sources;
using EdgeAgent.Species;
using OpenCvSharp;

/// <summary>One measured way of running the pictures.</summary>
/// <param name="Name">What ran.</param>
/// <param name="Pictures">Pictures processed.</param>
/// <param name="Seconds">Wall time.</param>
/// <param name="Timings">Mean milliseconds per stage.</param>
/// <param name="PeakMemoryMegabytes">Peak resident memory of the process once this run ended.</param>
/// <param name="InferenceShare">Share of the detector threads' busy time spent in the detector.</param>
public sealed record BenchRun(string Name, int Pictures, double Seconds, StageTimings Timings, double PeakMemoryMegabytes, double InferenceShare = 1)
{
    /// <summary>Throughput.</summary>
    public double PicturesPerSecond => Pictures / Seconds;
}

/// <summary>The species classifier's cost per crop when it is given this many crops in one call.</summary>
/// <param name="Crops">Crops in a call.</param>
/// <param name="MillisecondsPerCrop">Wall time per crop.</param>
public sealed record ClassifierBatch(int Crops, double MillisecondsPerCrop);

/// <summary>
/// The <c>bench</c> verb: runs the detect pipeline over pictures, then, in the same process and on
/// the same detector, a bare single-threaded loop (full decode → letterbox → inference → decode) as
/// the yardstick. The bare loop's inference uses a thread per core, its best setting for one picture
/// at a time. The pipeline runs first so that the peak memory it reports is its own.
/// </summary>
public sealed class BenchJob(ILoggerFactory loggerFactory)
{
    /// <summary>Time to build the detector as <c>run</c> does: model load, session, and its first (warm-up) inference.</summary>
    public TimeSpan DetectorReady { get; private set; }

    /// <summary>With a species classifier, its cost per crop at batch sizes 1, 4 and 16 (on the bare loop's detector); empty without one, or without an animal in the pictures.</summary>
    public IReadOnlyList<ClassifierBatch> ClassifierBatches { get; private set; } = [];

    /// <summary>
    /// Decodes every picture, as the pipeline's decoders would (model-size DCT scaling), on
    /// <paramref name="workers"/> threads and runs no model: how fast decoding alone can feed a GPU.
    /// </summary>
    public static async Task<BenchRun> RunDecodeOnlyAsync(IReadOnlyList<string> inputs, ModelManifest manifest, int workers, int repeat, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var rounds = Enumerable.Repeat(PictureFiles.Find(inputs, recursive: true, _ => { }), Math.Max(1, repeat)).SelectMany(p => p).ToList();
        var timings = new StageTimings();
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(rounds, new ParallelOptions { MaxDegreeOfParallelism = workers, CancellationToken = cancellationToken }, (file, _) =>
        {
            try
            {
                using var picture = PictureReader.Read(file.FullPath, manifest.Input.Width, manifest.Input.Height, timings);
            }
            catch (PictureException)
            {
                // Counted like any other picture: the decoder's time was spent.
            }

            return ValueTask.CompletedTask;
        }).ConfigureAwait(false);
        return new BenchRun($"decode ×{workers}", rounds.Count, clock.Elapsed.TotalSeconds, timings, PeakMemoryMegabytes());
    }

    /// <summary>Runs both and returns (pipeline, bare loop).</summary>
    public async Task<(BenchRun Pipeline, BenchRun Bare, string RunsOn, bool InfersOffCpu)> RunAsync(
        IReadOnlyList<string> inputs, DetectorOptions options, PipelineOptions pipelineOptions, int repeat, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var pictures = PictureFiles.Find(inputs, recursive: true, _ => { });
        var rounds = Enumerable.Repeat(pictures, Math.Max(1, repeat)).SelectMany(p => p).ToList();
        BenchRun pipelineRun;
        ConfidencePolicy confidence;
        string runsOn;
        bool infersOffCpu;
        var started = Stopwatch.GetTimestamp();
        using (var detector = DetectorFactory.Create(options, loggerFactory))
        {
            DetectorReady = Stopwatch.GetElapsedTime(started);
            confidence = ConfidencePolicy.For(detector.Manifest, null);
            (runsOn, infersOffCpu) = (detector.RunsOn, detector.InfersOffCpu);
            var manifest = detector.Manifest;
            var timings = new StageTimings();
            var (minWidth, minHeight) = options.DecodesWholePictures ? (0, 0) : (manifest.Input.Width, manifest.Input.Height);
            var pipeline = new PictureBatchPipeline(detector, confidence, pipelineOptions, minWidth, minHeight);
            var clock = Stopwatch.StartNew();
            var processed = 0;
            await pipeline.RunAsync(rounds, _ => processed++, timings, cancellationToken).ConfigureAwait(false);
            pipelineRun = new BenchRun("pipeline", processed, clock.Elapsed.TotalSeconds, timings, PeakMemoryMegabytes(), pipeline.InferenceShare);
        }

        // The bare loop's inference uses a thread per core (CpuThreads 0), its best setting for one picture at a time.
        using var bareDetector = DetectorFactory.Create(options with { CpuThreads = 0 }, loggerFactory);
        var bareRun = await RunBareLoopAsync(bareDetector, rounds, confidence, cancellationToken).ConfigureAwait(false);
        ClassifierBatches = MeasureClassifierBatches(bareDetector, pictures, confidence, cancellationToken);
        return (pipelineRun, bareRun, runsOn, infersOffCpu);
    }

    /// <summary>
    /// The classifier given the first animal the detector finds in the pictures, 1, 4 and 16 times in
    /// one call, each for about a second: what batching a frame's crops (or several frames') saves.
    /// </summary>
    private static List<ClassifierBatch> MeasureClassifierBatches(IDetector detector, IReadOnlyList<PictureFile> pictures, ConfidencePolicy confidence, CancellationToken cancellationToken)
    {
        if (detector is not ClassifyingDetector { Classifier: { } classifier })
        {
            return [];
        }

        foreach (var file in pictures)
        {
            using var pixels = Cv2.ImRead(file.FullPath, ImreadModes.Color);
            var animal = pixels.Empty() ? null : detector.Detect(pixels, confidence.AskFor).FirstOrDefault(d => d.Category == DetectionCategory.Animal && confidence.Keeps(d));
            if (animal is not null)
            {
                return [.. new[] { 1, 4, 16 }.Select(n => TimeCalls(classifier, pixels, Enumerable.Repeat(animal.Box, n).ToList(), cancellationToken))];
            }
        }

        return [];
    }

    private static ClassifierBatch TimeCalls(ICropClassifier classifier, Mat pixels, List<BoundingBox> boxes, CancellationToken cancellationToken)
    {
        // The first call of a batch size allocates for it.
        classifier.Classify(pixels, boxes);
        var calls = 0;
        var clock = Stopwatch.StartNew();
        while (calls < 3 || clock.Elapsed < TimeSpan.FromSeconds(1))
        {
            cancellationToken.ThrowIfCancellationRequested();
            classifier.Classify(pixels, boxes);
            calls++;
        }

        return new ClassifierBatch(boxes.Count, clock.Elapsed.TotalMilliseconds / (calls * boxes.Count));
    }

    private static async Task<BenchRun> RunBareLoopAsync(IDetector detector, List<PictureFile> rounds, ConfidencePolicy confidence, CancellationToken cancellationToken)
    {
        var bareTimings = new StageTimings();
        var clock = Stopwatch.StartNew();
        foreach (var file in rounds)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var start = Stopwatch.GetTimestamp();
            var bytes = await File.ReadAllBytesAsync(file.FullPath, cancellationToken).ConfigureAwait(false);
            bareTimings.Add(Stage.Read, start);
            start = Stopwatch.GetTimestamp();
            using var pixels = Cv2.ImDecode(bytes, ImreadModes.Color);
            bareTimings.Add(Stage.Decode, start);
            if (!pixels.Empty())
            {
                _ = detector.Detect(pixels, confidence.AskFor, bareTimings).Where(confidence.Keeps).ToList();
            }
        }

        return new BenchRun("bare loop", rounds.Count, clock.Elapsed.TotalSeconds, bareTimings, PeakMemoryMegabytes());
    }

    /// <summary>VmHWM from /proc: the most resident memory the process has had.</summary>
    private static double PeakMemoryMegabytes()
    {
        try
        {
            var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            if (line is not null && long.TryParse(line[6..].Trim().Split(' ')[0], out var kilobytes))
            {
                return kilobytes / 1024.0;
            }
        }
        catch (IOException)
        {
        }

        return Process.GetCurrentProcess().PeakWorkingSet64 / (1024.0 * 1024.0);
    }
}
