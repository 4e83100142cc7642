namespace EdgeAgent.Jobs;

using System.Diagnostics;
using EdgeAgent.Detection;
using EdgeAgent.Sources;
using Microsoft.Extensions.Logging;
using OpenCvSharp;

/// <summary>One measured way of running the pictures.</summary>
/// <param name="Name">What ran.</param>
/// <param name="Pictures">Pictures processed.</param>
/// <param name="Seconds">Wall time.</param>
/// <param name="Timings">Mean milliseconds per stage.</param>
/// <param name="PeakMemoryMegabytes">Peak resident memory of the process once this run ended.</param>
public sealed record BenchRun(string Name, int Pictures, double Seconds, StageTimings Timings, double PeakMemoryMegabytes)
{
    /// <summary>Throughput.</summary>
    public double PicturesPerSecond => Pictures / Seconds;
}

/// <summary>
/// The <c>bench</c> verb: runs the detect pipeline over pictures, then, in the same process and on
/// the same detector, a bare single-threaded loop (full decode → letterbox → inference → decode) as
/// the yardstick. The pipeline runs first so that the peak memory it reports is its own.
/// </summary>
public sealed class BenchJob(ILoggerFactory loggerFactory)
{
    /// <summary>Runs both and returns (pipeline, bare loop).</summary>
    public async Task<(BenchRun Pipeline, BenchRun Bare, ExecutionProvider Provider)> RunAsync(
        IReadOnlyList<string> inputs, DetectorOptions options, int decodeWorkers, int repeat, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var manifest = ModelManifest.Load(options.Model);
        var pictures = PictureFiles.Find(inputs, recursive: true, _ => { });
        var rounds = Enumerable.Repeat(pictures, Math.Max(1, repeat)).SelectMany(p => p).ToList();
        using var detector = new OnnxDetector(manifest, options, loggerFactory.CreateLogger<OnnxDetector>());
        var threshold = manifest.Thresholds.Typical;

        // Warm-up: the first inference allocates ONNX Runtime's arenas and plans.
        using (var warm = new Mat(manifest.Input.Height, manifest.Input.Width, MatType.CV_8UC3, Scalar.All(0)))
        {
            detector.Detect(warm, threshold);
        }

        var pipelineTimings = new StageTimings();
        var pipeline = new PictureBatchPipeline(detector, threshold, decodeWorkers, manifest.Input.Width, manifest.Input.Height);
        var clock = Stopwatch.StartNew();
        var processed = 0;
        await pipeline.RunAsync(rounds, _ => processed++, pipelineTimings, cancellationToken).ConfigureAwait(false);
        var pipelineRun = new BenchRun("pipeline", processed, clock.Elapsed.TotalSeconds, pipelineTimings, PeakMemoryMegabytes());

        var bareTimings = new StageTimings();
        clock.Restart();
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
                detector.Detect(pixels, threshold, bareTimings);
            }
        }

        var bareRun = new BenchRun("bare loop", rounds.Count, clock.Elapsed.TotalSeconds, bareTimings, PeakMemoryMegabytes());
        return (pipelineRun, bareRun, detector.Provider);
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
