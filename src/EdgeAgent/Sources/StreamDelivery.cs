namespace EdgeAgent.Sources;

using System.Diagnostics;
using EdgeAgent.Common.Observations;
using EdgeAgent.Hosting;
using OpenCvSharp;
using LogLevel = Microsoft.Extensions.Logging.LogLevel;

/// <summary>Counts frames, marks the stream up at its first frame, and hands frames to the detector.</summary>
internal sealed partial class StreamDelivery(FrameHub hub, AgentHealth health, ILogger logger, StreamOptions stream, Func<TimeSpan?, CameraPose?> poseAt)
{
    private readonly TimeSpan _interval = TimeSpan.FromSeconds(1 / stream.DetectionFps);
    private readonly Stopwatch _sinceOffer = Stopwatch.StartNew();

    public long Frames { get; private set; }

    /// <summary>Completes when the last frame handed on is committed (or dropped).</summary>
    public Task LastHandedOn { get; private set; } = Task.CompletedTask;

    /// <summary>A live frame, offered when it is sampled or the detection interval has passed; it replaces the one still waiting.</summary>
    public void Offer(Mat pixels, bool sampled, TimeSpan? videoTime = null)
    {
        Read(pixels);
        if (sampled || _sinceOffer.Elapsed >= _interval)
        {
            _sinceOffer.Restart();
            health.FrameWaiting();
            var frame = FrameOf(pixels, DateTimeOffset.UtcNow, videoTime);
            LastHandedOn = frame.Done;
            hub.OfferVideo(frame);
        }
    }

    /// <summary>A recorded frame, dated by where it stands in its file, queued: the reader waits while the detector is busy.</summary>
    public void Enqueue(Mat pixels, RecordingPlace place, CancellationToken stoppingToken)
    {
        Read(pixels);
        health.FrameWaiting();
        var frame = FrameOf(pixels, place.Began + place.VideoTime, place.VideoTime, place);
        LastHandedOn = frame.Done;
        try
        {
            hub.EnqueueFileAsync(frame, stoppingToken).AsTask().GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
            frame.Dispose();
            throw;
        }
    }

    /// <summary>A frame read and not handed on (between detection intervals).</summary>
    public void Pass() => AgentMetrics.FramesRead.WithLabels(stream.Id).Inc();

    private void Read(Mat pixels)
    {
        Pass();
        if (Frames++ == 0)
        {
            health.Report(stream.Id, SourceState.Up, $"{pixels.Width}×{pixels.Height}");
            AgentMetrics.SourceUp.WithLabels(stream.Id).Set(1);
            LogUp(stream.Id, pixels.Width, pixels.Height);
        }
    }

    private Frame FrameOf(Mat pixels, DateTimeOffset capturedAt, TimeSpan? videoTime, RecordingPlace? place = null) =>
        new(stream.Id, capturedAt, pixels.Clone(), pixels.Width, pixels.Height, 1f, pose: poseAt(videoTime)) { Tile = stream.Tiles, IsVideo = true, Recording = place };

    [LoggerMessage(Level = LogLevel.Information, Message = "Stream {Source} is up ({Width}×{Height})")]
    private partial void LogUp(string source, int width, int height);
}
