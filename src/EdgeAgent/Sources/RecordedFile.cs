namespace EdgeAgent.Sources;

using EdgeAgent.Hosting;
using EdgeAgent.Telemetry;
using OpenCvSharp;
using LogLevel = Microsoft.Extensions.Logging.LogLevel;

/// <summary>
/// A recorded video file read as a stream. It is read once, whole: reading it again would count its
/// animals and send its alerts twice. Once its last frame is committed it goes into the ledger
/// (<see cref="IRecordingLedger"/>), and a restart does not read it again (a changed file is). Each
/// frame's place in the file is committed with its records, so a read stopped halfway goes on after
/// the last frame committed, in this run or the next.
/// </summary>
internal sealed partial class RecordedFile(StreamOptions stream, FileKey key, IRecordingLedger ledger, AgentHealth health, ILogger logger)
{
    /// <summary>Why a recorded file stops: the one ending that is not a loss.</summary>
    public const string Ended = "the file ended";

    // What the last read handed on: a read after it waits until that is committed, then goes on from there.
    private Task _handedOn = Task.CompletedTask;

    /// <summary>The file a stream reads, as it is now (path, size, time); null for a live stream or a file not there.</summary>
    public static RecordedFile? Of(StreamOptions stream, IRecordingLedger ledger, AgentHealth health, ILogger logger)
    {
        if (stream.Pipeline.Length > 0 || string.IsNullOrEmpty(stream.Url))
        {
            return null;
        }

        // Exists and what follows read one snapshot of the file: no throw if it goes meanwhile.
        var file = new FileInfo(stream.Url);
        return file.Exists ? new RecordedFile(stream, new FileKey(stream.Id, file.FullName, file.Length, file.LastWriteTimeUtc.Ticks), ledger, health, logger) : null;
    }

    /// <summary>Whether the file was read to its end before; if so, the stream has ended.</summary>
    public bool WasRead()
    {
        if (ledger.ReadAt(key) is not { } readAt)
        {
            return false;
        }

        health.Report(stream.Id, SourceState.Ended);
        LogReadBefore(stream.Id, readAt);
        return true;
    }

    /// <summary>
    /// Reads the file through OpenCV: a frame per detection interval of the video's own time, each
    /// dated by when the flight began (<see cref="Start"/>) plus its time in the video, queued for the
    /// detector and waited for rather than dropped. A flight read on a machine slower than the video
    /// is read whole, and its tracks follow the video's clock, not the reader's. A read that stopped
    /// before (a crash, a stop, a decode error) goes on after its last committed frame, dated as it
    /// was. Returns why it stopped.
    /// </summary>
    public string Read(StreamDelivery delivery, PoseTimeline? timeline, CancellationToken stoppingToken)
    {
        try
        {
            _handedOn.Wait(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return "stopping";
        }

        using var capture = new VideoCapture(stream.Url, VideoCaptureAPIs.FFMPEG);
        if (!capture.IsOpened())
        {
            return "cannot be opened";
        }

        var interval = TimeSpan.FromSeconds(1 / stream.DetectionFps);
        var step = capture.Fps > 0 ? TimeSpan.FromSeconds(1 / capture.Fps) : interval;
        var at = TimeSpan.MinValue;
        DateTimeOffset began;
        TimeSpan due;
        if (ledger.ReadTo(key) is { } before)
        {
            LogGoingOn(stream.Id, before.VideoTime.TotalSeconds, before.Began);
            (began, due) = (before.Began, before.VideoTime + interval);
        }
        else
        {
            (began, due) = (Start(timeline), TimeSpan.Zero);
        }

        using var pixels = new Mat();
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                if (!capture.Grab())
                {
                    return Ended;
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
                delivery.Enqueue(pixels, new RecordingPlace(key, at, began), stoppingToken);
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping while the detector's queue was full; the frame that waited is released.
        }
        finally
        {
            _handedOn = delivery.LastHandedOn;
        }

        return "stopping";
    }

    /// <summary>
    /// Notes the file in the ledger once the last frame <paramref name="delivery"/> handed on is
    /// committed, and the stream has ended; false when the agent stops first. A ledger that cannot be
    /// written (a full disk) is said in the log: the records are committed, and the file is read
    /// again only after a restart.
    /// </summary>
    public bool NoteEnd(StreamDelivery delivery, CancellationToken stoppingToken)
    {
        try
        {
            delivery.LastHandedOn.Wait(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }

        try
        {
            ledger.Read(key, DateTimeOffset.UtcNow);
        }
        catch (IOException e)
        {
            LogNotNoted(stream.Id, e.Message);
        }

        health.Report(stream.Id, SourceState.Ended);
        AgentMetrics.SourceUp.WithLabels(stream.Id).Set(0);
        LogEnded(stream.Id);
        return true;
    }

    /// <summary>
    /// When the video began: by its telemetry's UTC clock when it has one that was set (a flight read
    /// days later is dated when it was flown), else now, as the reading begins.
    /// </summary>
    private DateTimeOffset Start(PoseTimeline? timeline)
    {
        var now = DateTimeOffset.UtcNow;
        if (timeline?.VideoStart is { } start && start.Year >= 2000 && start < now + TimeSpan.FromDays(1))
        {
            LogFlightClock(stream.Id, start);
            return start;
        }

        return now;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Stream {Source}: the recorded file was read before up to {Seconds:F1} s of its video, which began at {Began:u}; reading goes on from there")]
    private partial void LogGoingOn(string source, double seconds, DateTimeOffset began);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stream {Source}: the recorded file was read to its end on {ReadAt:u}; it is not read again (a changed file is)")]
    private partial void LogReadBefore(string source, DateTimeOffset readAt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stream {Source}: the recorded file was read to its end, but that could not be noted ({Error}); a restart reads it again")]
    private partial void LogNotNoted(string source, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stream {Source}: the recorded file ended; it is read once, and not again")]
    private partial void LogEnded(string source);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stream {Source}: a recorded flight that began at {Start:u} by its telemetry's clock; its frames are dated from it")]
    private partial void LogFlightClock(string source, DateTimeOffset start);
}
