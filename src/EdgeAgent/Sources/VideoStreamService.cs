namespace EdgeAgent.Sources;

using System.Diagnostics;
using System.Net;
using EdgeAgent.Alerting.Geofencing;
using EdgeAgent.Common.Observations;
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
/// with exponential backoff, for ever. A recorded file is read once, whole (<see cref="RecordedFile"/>).
/// </summary>
public sealed partial class VideoStreamService(
    IOptions<SourcesOptions> options, FrameHub hub, CameraRegistry cameras, IRecordingLedger ledger, AgentHealth health, ILogger<VideoStreamService> logger)
    : BackgroundService
{
    private static readonly TimeSpan FirstFrameAllowance = TimeSpan.FromSeconds(10);

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
        health.Report(stream.Id, SourceState.Starting);
        RecordedFile? file = null;
        while (!stoppingToken.IsCancellationRequested)
        {
            // A file is known by its path, size and time when it is first found.
            if (file is null)
            {
                file = RecordedFile.Of(stream, ledger, health, logger);
                if (file?.WasRead() == true)
                {
                    return;
                }
            }

            string reason;
            try
            {
                reason = ReadUntilLost(stream, file, live, recorded, stoppingToken, ref failures);
            }
            catch (Exception e) when (e is OpenCVException or InvalidOperationException or ArgumentException or IOException or InvalidDataException)
            {
                reason = e.Message;
            }

            if (stoppingToken.IsCancellationRequested || (reason == RecordedFile.Ended && file is not null))
            {
                return;
            }

            failures++;
            var delay = RetryPolicy.DelayAfter(failures, TimeSpan.FromSeconds(1), stream.MaxReconnectDelay, Random.Shared);
            health.Report(stream.Id, SourceState.Backoff, reason);
            AgentMetrics.SourceUp.WithLabels(stream.Id).Set(0);
            LogLost(stream.Id, reason, delay.TotalSeconds);
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
                LogTelemetryRejected(stream.Id);
            }
        }

        if (stream.Telemetry.Kind == TelemetryKind.Mavlink && stream.Telemetry.SigningKeyBytes is null)
        {
            LogUnsigned(stream.Id);
        }

        return stream.Telemetry.Kind switch
        {
            TelemetryKind.Mavlink => new LiveTelemetryListener(
                IPEndPoint.Parse(stream.Telemetry.Listen), new MavlinkDecoder(stream.Telemetry.SigningKeyBytes), stream.Telemetry, TimeProvider.System, Rejected),
            TelemetryKind.Klv when stream.IsNetworkStream => new LiveTelemetryListener(new IPEndPoint(IPAddress.Loopback, 0), new KlvStreamDecoder(), stream.Telemetry, TimeProvider.System, Rejected),
            _ => null,
        };
    }

    /// <summary>Opens the stream and reads it until it fails or, a recorded file, ends; returns why it stopped.</summary>
    private string ReadUntilLost(StreamOptions stream, RecordedFile? file, LiveTelemetryListener? live, Lazy<PoseTimeline> recorded, CancellationToken stoppingToken, ref int failures)
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

        var delivery = new StreamDelivery(hub, health, logger, stream, poseAt);
        var reason = stream.IsNetworkStream ? ReadWithFfmpeg(stream, delivery, stream.Telemetry.Kind == TelemetryKind.Klv ? live?.Port : null, stoppingToken)
            : file is not null && live is null ? file.Read(delivery, timeline, stoppingToken)
            : ReadWithOpenCv(stream, delivery, stoppingToken);
        if (delivery.Frames > 0)
        {
            failures = 0;
        }

        // Noted once its last frame is committed: stopped before that, it goes on after the last committed.
        return reason == RecordedFile.Ended && file?.NoteEnd(delivery, stoppingToken) == false ? "stopping" : reason;
    }

    /// <summary>Network streams, through an ffmpeg child process.</summary>
    private static string ReadWithFfmpeg(StreamOptions stream, StreamDelivery delivery, int? klvPort, CancellationToken stoppingToken)
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
    /// GStreamer pipelines (the Jetson hardware-decode path), and files read with a live aircraft's
    /// telemetry, through OpenCV. Live poses are the latest that arrived, so such a file plays at its
    /// own speed, as the camera would, and its frames meet the poses sent beside them.
    /// </summary>
    private static string ReadWithOpenCv(StreamOptions stream, StreamDelivery delivery, CancellationToken stoppingToken)
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
                    return RecordedFile.Ended;
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stream {Source} lost: {Reason}; reconnecting in {Seconds:F1} s")]
    private partial void LogLost(string source, string reason, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Telemetry of stream {Source}: frames refused for a failed checksum or signature (counted in edge_agent_telemetry_rejected_total; said once)")]
    private partial void LogTelemetryRejected(string source);

    [LoggerMessage(Level = LogLevel.Warning, Message = "MAVLink of stream {Source} is taken without signature checks: anyone on the link could move the aircraft's reported position; set Sources__Streams__N__Telemetry__SigningKey to take only frames the aircraft signed")]
    private partial void LogUnsigned(string source);

}
