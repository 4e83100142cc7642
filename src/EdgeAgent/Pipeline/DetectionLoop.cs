namespace EdgeAgent.Pipeline;

using System.Collections.Concurrent;
using System.Diagnostics;
using EdgeAgent.Alerting;
using EdgeAgent.Alerting.Geofencing;
using EdgeAgent.Alerting.Observations;
using EdgeAgent.Detection;
using EdgeAgent.Hosting;
using EdgeAgent.Recording;
using EdgeAgent.Sources;
using EdgeAgent.Tracking;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

/// <summary>
/// The daemon's detection stage: takes frames from every source, detects, drops masked boxes,
/// tracks video, hands observations to alerting and records everything. Several workers share the
/// one detector. A frame that fails is logged and counted; the loop goes on.
/// </summary>
public sealed partial class DetectionLoop(
    FrameHub hub, IDetector detector, AlertRaiser raiser, ObservationStore store, SnapshotStore snapshots, CameraRegistry cameras,
    IOptions<SourcesOptions> sources, IOptions<TrackingOptions> tracking, IOptions<RecordingOptions> recording, IOptions<DetectorOptions> detectorOptions,
    AgentHealth health, ILogger<DetectionLoop> logger) : BackgroundService
{
    private readonly ConcurrentDictionary<string, IouTracker> _trackers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, StaticObjectFilter> _staticObjects = sources.Value.DropFolders
        .ToDictionary(f => f.Id, f => new StaticObjectFilter(f.StaticObjects), StringComparer.Ordinal);
    private readonly Dictionary<string, DetectionMask> _masks = sources.Value.DropFolders.Select(f => (f.Id, f.Masks))
        .Concat(sources.Value.Streams.Select(s => (s.Id, s.Masks)))
        .ToDictionary(m => m.Id, m => new DetectionMask(m.Masks), StringComparer.Ordinal);

    private float MinConfidence => recording.Value.MinConfidence > 0 ? recording.Value.MinConfidence : detector.Manifest.Thresholds.Typical;

    /// <summary>Worker count: configured, or one per core.</summary>
    public static int WorkerCount(DetectorOptions options) => options?.Workers > 0 ? options.Workers : Environment.ProcessorCount;

    /// <inheritdoc />
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        hub.FrameDropped += source => AgentMetrics.FramesDropped.WithLabels(source).Inc();

        // Workers are threads of their own, not pool threads: inference blocks (ONNX Runtime, or a
        // gRPC call to Triton), and blocked pool threads would starve the I/O that gRPC itself needs.
        var workers = Enumerable.Range(0, WorkerCount(detectorOptions.Value)).Select(i =>
        {
            var thread = new Thread(() => Work(stoppingToken)) { IsBackground = true, Name = $"detector {i}" };
            thread.Start();
            return thread;
        }).ToList();
        return Task.Run(() => workers.ForEach(t => t.Join()), CancellationToken.None);
    }

    private void Work(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            Frame frame;
            try
            {
                frame = hub.TakeAsync(stoppingToken).GetAwaiter().GetResult();
            }
            catch (OperationCanceledException)
            {
                return;
            }

            using (frame)
            {
                try
                {
                    // The frame in hand is finished even when stopping: its alert and record must not be lost.
                    ProcessAsync(frame).GetAwaiter().GetResult();
                    frame.Complete();
                }
                catch (Exception e)
                {
                    AgentMetrics.FailedFrames.WithLabels(frame.SourceId).Inc();
                    LogFrameFailed(logger, e, frame.SourceId);
                    frame.Complete(e);
                }
            }
        }
    }

    private async Task ProcessAsync(Frame frame)
    {
        var start = Stopwatch.GetTimestamp();
        var found = detector.Detect(frame.Pixels, MinConfidence);
        AgentMetrics.InferenceSeconds.Observe(Stopwatch.GetElapsedTime(start).TotalSeconds);
        health.DetectorAnswered();

        var mask = _masks.GetValueOrDefault(frame.SourceId) ?? DetectionMask.None;
        var detections = found
            .Select(d => frame.DecodeScale == 1f ? d : d with { Box = d.Box.Scale(frame.DecodeScale).ClipTo(frame.Width, frame.Height) })
            .Where(d => mask.IsEmpty || !mask.Covers(d.Box, frame.Width, frame.Height))
            .ToList();

        IReadOnlyList<Detection> observed = detections;
        if (frame.File is not null && _staticObjects.TryGetValue(frame.SourceId, out var filter))
        {
            int suppressed;
            lock (filter)
            {
                observed = filter.Filter(detections, frame.Width, frame.Height, out suppressed);
            }

            if (suppressed > 0)
            {
                // A static object is not a detection: neither alerted nor recorded, only counted.
                AgentMetrics.StaticSuppressed.WithLabels(frame.SourceId).Inc(suppressed);
                detections = observed.ToList();
            }
        }
        else if (frame.File is null)
        {
            var tracker = _trackers.GetOrAdd(frame.SourceId, _ => new IouTracker(tracking.Value));
            lock (tracker)
            {
                observed = tracker.Update(detections, frame.CapturedAt);
            }
        }

        var jpeg = observed.Count > 0 ? Annotate(frame, detections) : null;
        var alertOf = new Dictionary<Detection, string>(ReferenceEqualityComparer.Instance);
        string? snapshot = null;
        foreach (var detection in observed)
        {
            var alert = await raiser.ObserveAsync(new Observation(frame.SourceId, frame.CapturedAt, null, detection, jpeg, frame.ReceivedAt), CancellationToken.None).ConfigureAwait(false);
            if (alert is not null)
            {
                alertOf[detection] = alert.Id;
                AgentMetrics.AlertsQueued.Inc();
                snapshot ??= snapshots.Save(alert.Id, frame.CapturedAt, jpeg!);
            }
        }

        store.Record(
            frame.SourceId,
            frame.CapturedAt,
            cameras.PositionOf(frame.SourceId),
            detections.Select(d => (d, alertOf.GetValueOrDefault(d))).ToList(),
            snapshot ?? frame.File?.Path,
            frame.File);
        foreach (var detection in detections)
        {
            AgentMetrics.Detections.WithLabels(detection.Label).Inc();
        }
    }

    private static byte[] Annotate(Frame frame, IEnumerable<Detection> detections)
    {
        using var copy = frame.Pixels.Clone();
        PictureAnnotator.Draw(copy, detections.Select(d => frame.DecodeScale == 1f ? d : d with { Box = d.Box.Scale(1 / frame.DecodeScale) }));
        return PictureAnnotator.EncodeJpeg(copy);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "A frame from {Source} could not be processed")]
    private static partial void LogFrameFailed(ILogger logger, Exception exception, string source);
}
