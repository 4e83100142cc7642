namespace EdgeAgent.Pipeline;

using System.Diagnostics;
using EdgeAgent.Common.Observations;
using EdgeAgent.Detection;
using EdgeAgent.Sources;

/// <summary>What the detector found in one frame, in the frame's original pixels, or why it could not look.</summary>
/// <param name="Frame">The frame; whoever handles the result owns it from now on.</param>
/// <param name="Detections">Detections in original pixels; empty when it failed.</param>
/// <param name="Failure">Why the frame could not be processed, or null.</param>
/// <param name="Inference">Time spent in the detector.</param>
public sealed record DetectedFrame(Frame Frame, IReadOnlyList<Detection> Detections, string? Failure = null, TimeSpan Inference = default);

/// <summary>
/// The detect stage: threads that take frames from the hub, run the one shared detector (ONNX
/// Runtime sessions and the Triton client are thread-safe) and hand the results on. Nothing else
/// runs on these threads: placing, deciding, encoding and writing are later stages'. Used by the
/// daemon and by <c>detect</c> and <c>bench</c> alike.
/// </summary>
/// <param name="detector">The detector every frame goes to …</param>
/// <param name="confidence">… keeping detections as sure as this policy asks …</param>
/// <param name="timings">… timing its stages when given …</param>
/// <param name="tiled">… and, when given, the same detector on tiles, for frames that ask for it (<see cref="Frame.Tile"/>) and are at least twice the model's input.</param>
public sealed class DetectorWorkers(IDetector detector, ConfidencePolicy confidence, StageTimings? timings = null, IDetector? tiled = null)
{
    private readonly float _askFor = confidence.AskFor;
    private readonly ConfidencePolicy? _byCategory = confidence.ByCategory is { Categories.Count: > 0 } ? confidence : null;
    private long _inferenceTicks;
    private long _busyTicks;
    private long _slotWaitTicks;
    private long _frameWaitTicks;

    /// <summary>
    /// Share of the workers' busy time — from taking a frame to having handed its result on — spent
    /// inside the detector: 1 when nothing else runs on them.
    /// </summary>
    public double InferenceShare => Interlocked.Read(ref _busyTicks) is > 0 and var busy ? (double)Interlocked.Read(ref _inferenceTicks) / busy : 1;

    /// <summary>Time the workers have waited for the next stage to take their results (all workers together).</summary>
    public TimeSpan WaitedForNextStage => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _slotWaitTicks));

    /// <summary>Time the workers have waited for a frame (all workers together).</summary>
    public TimeSpan WaitedForFrames => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _frameWaitTicks));

    /// <summary>
    /// Runs <paramref name="count"/> workers until <paramref name="stoppingToken"/> is cancelled; a
    /// frame in hand is finished and handed on. With <paramref name="slots"/>, a worker takes a slot
    /// before it takes a frame, and whoever consumes the result gives it back: the bound on frames in flight.
    /// </summary>
    public Task RunAsync(int count, FrameHub hub, Action<DetectedFrame> onDetected, CancellationToken stoppingToken, SemaphoreSlim? slots = null)
    {
        ArgumentNullException.ThrowIfNull(hub);
        ArgumentNullException.ThrowIfNull(onDetected);

        // Threads of their own, not pool threads: inference blocks (ONNX Runtime, or a gRPC call to
        // Triton), and blocked pool threads would starve the I/O that gRPC itself needs.
        return Task.WhenAll(Enumerable.Range(0, Math.Max(1, count)).Select(i => RunOnThread($"detector {i}", () =>
        {
            while (true)
            {
                Frame frame;
                try
                {
                    var start = Stopwatch.GetTimestamp();
                    slots?.Wait(stoppingToken);
                    var slotted = Stopwatch.GetTimestamp();
                    frame = hub.Take(stoppingToken);
                    Interlocked.Add(ref _slotWaitTicks, slotted - start);
                    Interlocked.Add(ref _frameWaitTicks, Stopwatch.GetTimestamp() - slotted);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                var busy = Stopwatch.GetTimestamp();
                onDetected(Detect(frame));
                Interlocked.Add(ref _busyTicks, Stopwatch.GetTimestamp() - busy);
            }
        })));
    }

    /// <summary>Detects in one frame; any failure becomes the result's <see cref="DetectedFrame.Failure"/>.</summary>
    public DetectedFrame Detect(Frame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        if (frame.Failure is { } unread)
        {
            return new DetectedFrame(frame, [], unread);
        }

        try
        {
            var start = Stopwatch.GetTimestamp();
            var found = (frame.Tile && tiled is not null && IsLarge(frame) ? tiled : detector).Detect(frame.Pixels, _askFor, timings, frame.SourceId, classify: !frame.IsVideo);
            var inference = Stopwatch.GetTimestamp() - start;
            if (_byCategory is not null)
            {
                found = found.Where(_byCategory.Keeps).ToList();
            }

            Interlocked.Add(ref _inferenceTicks, inference);
            var detections = frame.DecodeScale == 1f
                ? found
                : found.Select(d => d with { Box = d.Box.Scale(frame.DecodeScale).ClipTo(frame.Width, frame.Height) }).ToList();
            return new DetectedFrame(frame, detections, null, Stopwatch.GetElapsedTime(0, inference));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // One bad frame never stops a worker: it becomes that frame's failure.
            return new DetectedFrame(frame, [], $"detection failed: {e.Message}");
        }
    }

    private bool IsLarge(Frame frame)
    {
        var input = detector.Manifest.Input;
        return frame.Pixels.Width >= 2 * input.Width || frame.Pixels.Height >= 2 * input.Height;
    }

    private static Task RunOnThread(string name, Action work)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                work();
                done.SetResult();
            }
            catch (Exception e)
            {
                done.SetException(e);
            }
        })
        { IsBackground = true, Name = name };
        thread.Start();
        return done.Task;
    }
}
