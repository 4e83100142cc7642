namespace EdgeAgent.Sources;

using System.Diagnostics;
using System.Net;
using EdgeAgent.Alerting.Geofencing;
using EdgeAgent.Common.Observations;
using EdgeAgent.Common;
using EdgeAgent.Hosting;
using EdgeAgent.Telemetry;
using EdgeAgent.Telemetry.Klv;
using EdgeAgent.Telemetry.Mavlink;
using OpenCvSharp;
using LogLevel = Microsoft.Extensions.Logging.LogLevel;

/// <summary>
/// Reads each video stream on a thread of its own, samples frames at the detection rate and offers
/// the newest to the detector: network streams through an ffmpeg process, files and GStreamer
/// pipelines through OpenCV. A live stream that ends, errs or stalls is released and opened again
/// with exponential backoff, for ever. A recorded file is read once, whole: reading it again would
/// count its animals and send its alerts twice.
/// </summary>
public sealed partial class VideoStreamService(
    IOptions<SourcesOptions> options, FrameHub hub, CameraRegistry cameras, IRecordingLedger ledger, AgentHealth health, ILogger<VideoStreamService> logger)
    : BackgroundService
{
    private static readonly TimeSpan FirstFrameAllowance = TimeSpan.FromSeconds(10);

    // Why a recorded file stops: the one ending that is not a loss.
    private const string FileEnded = "the file ended";

    /// <inheritdoc />
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var threads = options.Value.Streams.Select(stream =>
        {
            var thread = new Thread(() => Run(stream, stoppingToken)) { IsBackground = true, Name = $"stream {stream.Id}" };
            thread.Start();
            return thread;
        }).ToList();
        return Task.Run(() => threads.ForEach(t => t.Join()), CancellationToken.None);
    }

    private void Run(StreamOptions stream, CancellationToken stoppingToken)
    {
        // A live aircraft's telemetry is listened for as long as its stream is read, across reconnections.
        using var live = LiveTelemetryOf(stream);

        // A recorded flight's telemetry is read at the first start of its stream, not at every
        // reconnection; a read that failed is tried again.
        var recorded = new Lazy<PoseTimeline>(() => PoseTimeline.Load(stream.Url, stream.Telemetry), LazyThreadSafetyMode.PublicationOnly);
        var failures = 0;
        var file = RecordingOf(stream);
        if (file is { } key && ledger.ReadAt(key) is { } readAt)
        {
            health.Report(stream.Id, SourceState.Ended);
            LogReadBefore(logger, stream.Id, readAt);
            return;
        }

        health.Report(stream.Id, SourceState.Starting);
        while (!stoppingToken.IsCancellationRequested)
        {
            string reason;
            try
            {
                reason = ReadUntilLost(stream, file, live, recorded, stoppingToken, ref failures);
            }
            catch (Exception e) when (e is OpenCVException or InvalidOperationException or ArgumentException or IOException or InvalidDataException)
            {
                reason = e.Message;
            }

            if (stoppingToken.IsCancellationRequested)
            {
                return;
            }

            if (reason == FileEnded)
            {
                health.Report(stream.Id, SourceState.Ended);
                AgentMetrics.SourceUp.WithLabels(stream.Id).Set(0);
                LogEnded(logger, stream.Id);
                return;
            }

            failures++;
            var delay = RetryPolicy.DelayAfter(failures, TimeSpan.FromSeconds(1), stream.MaxReconnectDelay, Random.Shared);
            health.Report(stream.Id, SourceState.Backoff, reason);
            AgentMetrics.SourceUp.WithLabels(stream.Id).Set(0);
            LogLost(logger, stream.Id, reason, delay.TotalSeconds);
            stoppingToken.WaitHandle.WaitOne(delay);
        }
    }

    /// <summary>
    /// A live stream's telemetry: MAVLink from the aircraft on its own port (checked against the
    /// link's signing key when one is set), or the KLV inside a network stream, which the ffmpeg
    /// process reading the video sends to a loopback port. Refused frames are counted and said.
    /// </summary>
    private LiveTelemetryListener? LiveTelemetryOf(StreamOptions stream)
    {
        var warned = false;
        void Rejected(int count)
        {
            AgentMetrics.TelemetryRejected.WithLabels(stream.Id).Inc(count);
            if (!warned)
            {
                warned = true;
                LogTelemetryRejected(logger, stream.Id);
            }
        }

        if (stream.Telemetry.Kind == TelemetryKind.Mavlink && stream.Telemetry.SigningKeyBytes is null)
        {
            LogUnsigned(logger, stream.Id);
        }

        return stream.Telemetry.Kind switch
        {
            TelemetryKind.Mavlink => new LiveTelemetryListener(
                IPEndPoint.Parse(stream.Telemetry.Listen), new MavlinkDecoder(stream.Telemetry.SigningKeyBytes), stream.Telemetry, TimeProvider.System, Rejected),
            TelemetryKind.Klv when stream.IsNetworkStream => new LiveTelemetryListener(new IPEndPoint(IPAddress.Loopback, 0), new KlvStreamDecoder(), stream.Telemetry, TimeProvider.System, Rejected),
            _ => null,
        };
    }

    /// <summary>Opens the stream and reads it until it fails; returns why it stopped.</summary>
    private string ReadUntilLost(StreamOptions stream, FileKey? file, LiveTelemetryListener? live, Lazy<PoseTimeline> recorded, CancellationToken stoppingToken, ref int failures)
    {
        // The pose of a frame: a live aircraft's latest, a recorded flight's at the frame's time, or the configured camera's.
        var fixedPose = cameras.PoseOf(stream.Id);
        Func<TimeSpan?, CameraPose?> poseAt = _ => fixedPose;
        PoseTimeline? timeline = null;
        if (live is not null)
        {
            poseAt = _ => live.PoseNow();
        }
        else if (stream.Telemetry.Kind != TelemetryKind.None)
        {
            timeline = recorded.Value;
            poseAt = at => at is { } t ? timeline.PoseAt(t) : null;
        }

        var delivery = new Delivery(hub, health, logger, stream, poseAt);
        var reason = stream.IsNetworkStream ? ReadWithFfmpeg(stream, delivery, stream.Telemetry.Kind == TelemetryKind.Klv ? live?.Port : null, stoppingToken)
            : stream.Pipeline.Length == 0 && live is null ? ReadRecording(stream, delivery, VideoStart(stream, timeline), stoppingToken)
            : ReadWithOpenCv(stream, delivery, stoppingToken);
        if (delivery.Frames > 0)
        {
            failures = 0;
        }

        if (reason == FileEnded && file is { } key)
        {
            // Noted once its last frame is committed: stopped before that, it is read again, whole.
            try
            {
                delivery.LastHandedOn.Wait(stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return "stopping";
            }

            try
            {
                ledger.Read(key, DateTimeOffset.UtcNow);
            }
            catch (IOException e)
            {
                // Its records are committed: not read again in this run, only after a restart.
                LogNotNoted(logger, stream.Id, e.Message);
            }
        }

        return reason;
    }

    /// <summary>A recorded file as the ledger knows it (its path, size and time, when the stream starts); null for a live stream.</summary>
    private static FileKey? RecordingOf(StreamOptions stream)
    {
        if (stream.Pipeline.Length > 0 || string.IsNullOrEmpty(stream.Url))
        {
            return null;
        }

        // Exists and what follows read one snapshot of the file: no throw if it goes meanwhile.
        var file = new FileInfo(stream.Url);
        return file.Exists ? new FileKey(stream.Id, file.FullName, file.Length, file.LastWriteTimeUtc.Ticks) : null;
    }

    /// <summary>Network streams, through an ffmpeg child process.</summary>
    private static string ReadWithFfmpeg(StreamOptions stream, Delivery delivery, int? klvPort, CancellationToken stoppingToken)
    {
        FfmpegStream ffmpeg;
        try
        {
            ffmpeg = FfmpegStream.Open(stream.Url, stream.DetectionFps, stream.StallTimeout, klvPort);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "ffmpeg is not installed (apt-get install ffmpeg): it reads network streams";
        }
        catch (InvalidOperationException e)
        {
            return $"cannot be opened: {e.Message}";
        }

        using (ffmpeg)
        {
            // The first frame also waits for ffmpeg to start, analyse the stream and see a key frame.
            var timeout = stream.StallTimeout + FirstFrameAllowance;
            while (!stoppingToken.IsCancellationRequested)
            {
                if (!ffmpeg.TryRead(timeout, out var bgr))
                {
                    return ffmpeg.LastError;
                }

                timeout = stream.StallTimeout;

                using var pixels = Mat.FromPixelData(ffmpeg.Height, ffmpeg.Width, MatType.CV_8UC3, bgr);
                delivery.Offer(pixels, sampled: true);
            }
        }

        return "stopping";
    }

    /// <summary>
    /// When a recorded video began: by its telemetry's UTC clock when it has one that was set (a
    /// flight read days later is dated when it was flown), else now, as the reading begins.
    /// </summary>
    private DateTimeOffset VideoStart(StreamOptions stream, PoseTimeline? timeline)
    {
        var now = DateTimeOffset.UtcNow;
        if (timeline?.VideoStart is { } start && start.Year >= 2000 && start < now + TimeSpan.FromDays(1))
        {
            LogFlightClock(logger, stream.Id, start);
            return start;
        }

        return now;
    }

    /// <summary>
    /// A recorded file, through OpenCV: a frame per detection interval of the video's own time, each
    /// stamped with <paramref name="began"/> plus its time in the video, queued for the detector and
    /// waited for rather than dropped. A flight read on a machine slower than the video is read
    /// whole, and its tracks follow the video's clock, not the reader's.
    /// </summary>
    private static string ReadRecording(StreamOptions stream, Delivery delivery, DateTimeOffset began, CancellationToken stoppingToken)
    {
        using var capture = new VideoCapture(stream.Url, VideoCaptureAPIs.FFMPEG);
        if (!capture.IsOpened())
        {
            return "cannot be opened";
        }

        var interval = TimeSpan.FromSeconds(1 / stream.DetectionFps);
        var step = capture.Fps > 0 ? TimeSpan.FromSeconds(1 / capture.Fps) : interval;
        var (at, due) = (TimeSpan.MinValue, TimeSpan.Zero);
        using var pixels = new Mat();
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                if (!capture.Grab())
                {
                    return FileEnded;
                }

                // A container without timestamps counts its frames at its rate.
                var position = TimeSpan.FromMilliseconds(capture.Get(VideoCaptureProperties.PosMsec));
                at = position > at ? position : at + step;
                if (at < due || !capture.Retrieve(pixels) || pixels.Empty())
                {
                    delivery.Pass();
                    continue;
                }

                // The next frame due one interval on; after a gap in the video, one interval after this one.
                due = due + interval > at ? due + interval : at + interval;
                delivery.Enqueue(pixels, began + at, at, stoppingToken);
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping while the detector's queue was full; the frame that waited is released.
        }

        return "stopping";
    }

    /// <summary>
    /// GStreamer pipelines (the Jetson hardware-decode path), and files read with a live aircraft's
    /// telemetry, through OpenCV. Live poses are the latest that arrived, so such a file plays at its
    /// own speed, as the camera would, and its frames meet the poses sent beside them.
    /// </summary>
    private static string ReadWithOpenCv(StreamOptions stream, Delivery delivery, CancellationToken stoppingToken)
    {
        using var capture = stream.Pipeline.Length > 0
            ? new VideoCapture(stream.Pipeline, VideoCaptureAPIs.GSTREAMER)
            : new VideoCapture(stream.Url, VideoCaptureAPIs.FFMPEG);
        if (!capture.IsOpened())
        {
            return "cannot be opened";
        }

        var isFile = stream.Pipeline.Length == 0;
        var frameInterval = isFile && capture.Fps > 0 ? TimeSpan.FromSeconds(1 / capture.Fps) : TimeSpan.Zero;
        var sinceLastFrame = Stopwatch.StartNew();
        using var pixels = new Mat();
        while (!stoppingToken.IsCancellationRequested)
        {
            if (!capture.Read(pixels) || pixels.Empty())
            {
                if (isFile)
                {
                    return FileEnded;
                }

                if (sinceLastFrame.Elapsed > stream.StallTimeout)
                {
                    return $"no frame for {stream.StallTimeout.TotalSeconds:F0} s";
                }

                // Some backends return false once on a hiccup; a real end shows as a stall.
                Thread.Sleep(20);
                continue;
            }

            sinceLastFrame.Restart();
            delivery.Offer(pixels, sampled: false, TimeSpan.FromMilliseconds(capture.Get(VideoCaptureProperties.PosMsec)));
            if (frameInterval > TimeSpan.Zero)
            {
                // A file plays at its own speed, as a camera would.
                Thread.Sleep(frameInterval);
            }
        }

        return "stopping";
    }

    /// <summary>Counts frames, marks the stream up at its first frame, and hands frames to the detector.</summary>
    private sealed class Delivery(FrameHub hub, AgentHealth health, ILogger logger, StreamOptions stream, Func<TimeSpan?, CameraPose?> poseAt)
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

        /// <summary>A recorded frame, queued: the reader waits while the detector is busy.</summary>
        public void Enqueue(Mat pixels, DateTimeOffset capturedAt, TimeSpan videoTime, CancellationToken stoppingToken)
        {
            Read(pixels);
            health.FrameWaiting();
            var frame = FrameOf(pixels, capturedAt, videoTime);
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
                LogUp(logger, stream.Id, pixels.Width, pixels.Height);
            }
        }

        private Frame FrameOf(Mat pixels, DateTimeOffset capturedAt, TimeSpan? videoTime) =>
            new(stream.Id, capturedAt, pixels.Clone(), pixels.Width, pixels.Height, 1f, pose: poseAt(videoTime)) { Tile = stream.Tiles, IsVideo = true };
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Telemetry of stream {Source}: frames refused for a failed checksum or signature (counted in edge_agent_telemetry_rejected_total; said once)")]
    private static partial void LogTelemetryRejected(ILogger logger, string source);

    [LoggerMessage(Level = LogLevel.Warning, Message = "MAVLink of stream {Source} is taken without signature checks: anyone on the link could move the aircraft's reported position; set Sources__Streams__N__Telemetry__SigningKey to take only frames the aircraft signed")]
    private static partial void LogUnsigned(ILogger logger, string source);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stream {Source} is up ({Width}×{Height})")]
    private static partial void LogUp(ILogger logger, string source, int width, int height);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stream {Source}: a recorded flight that began at {Start:u} by its telemetry's clock; its frames are dated from it")]
    private static partial void LogFlightClock(ILogger logger, string source, DateTimeOffset start);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stream {Source}: the recorded file ended; it is read once, and not again")]
    private static partial void LogEnded(ILogger logger, string source);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stream {Source}: the recorded file was read to its end, but that could not be noted ({Error}); a restart reads it again")]
    private static partial void LogNotNoted(ILogger logger, string source, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stream {Source}: the recorded file was read to its end on {ReadAt:u}; it is not read again (a changed file is)")]
    private static partial void LogReadBefore(ILogger logger, string source, DateTimeOffset readAt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stream {Source} lost: {Reason}; reconnecting in {Seconds:F1} s")]
    private static partial void LogLost(ILogger logger, string source, string reason, double seconds);
}
