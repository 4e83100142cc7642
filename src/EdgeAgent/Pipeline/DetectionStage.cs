namespace EdgeAgent.Pipeline;

using EdgeAgent.Detection;
using EdgeAgent.Hosting;
using EdgeAgent.Recording;
using EdgeAgent.Sources;

/// <summary>
/// The daemon's detect stage: detector workers take frames from every source's hand-off and put
/// their results, in each source's order, before the observation stage. On stopping, a frame in
/// hand is finished; frames still waiting are left (files are taken again at the next start).
/// </summary>
public sealed class DetectionStage(
    FrameHub hub, IDetector detector, Resequencer resequencer, IOptions<DetectorOptions> options, IOptions<RecordingOptions> recording, AgentHealth health) : BackgroundService
{
    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        hub.FrameDropped += source => AgentMetrics.FramesDropped.WithLabels(source).Inc();
        var confidence = ConfidencePolicy.For(detector.Manifest, recording.Value.MinConfidence);
        // Drones' large frames are tiled even when pictures are not (with Tiling:Enabled the detector tiles everything already); the tiling wrapper is not disposed: it would dispose the shared detector.
        var tiled = options.Value.Tiling.Enabled ? null : new TilingDetector(detector, options.Value.Tiling);
        var workers = new DetectorWorkers(detector, confidence, tiled: tiled);
        try
        {
            await workers.RunAsync(
                options.Value.WorkerCount,
                hub,
                detected =>
                {
                    AgentMetrics.InferenceSeconds.Observe(detected.Inference.TotalSeconds);
                    AgentMetrics.DetectorWaitSeconds.WithLabels("frame").IncTo(workers.WaitedForFrames.TotalSeconds);
                    AgentMetrics.DetectorWaitSeconds.WithLabels("next-stage").IncTo(workers.WaitedForNextStage.TotalSeconds);
                    health.DetectorAnswered();
                    resequencer.Add(detected);
                },
                stoppingToken,
                resequencer.Slots).ConfigureAwait(false);
        }
        finally
        {
            resequencer.Complete();
        }
    }
}
