namespace EdgeAgent.Pipeline;

using EdgeAgent.Alerting;
using EdgeAgent.Common.Observations;
using EdgeAgent.Alerting.Rules;
using EdgeAgent.Detection;
using EdgeAgent.Hosting;
using EdgeAgent.Placement;
using EdgeAgent.Recording;
using EdgeAgent.Sources;
using EdgeAgent.Species;
using EdgeAgent.Tracking;
using EdgeAgent.Verdicts;

/// <summary>
/// Post-process → place → decide, one frame at a time in each source's order, on one thread (so the
/// trackers, static-object filters and cooldowns need no locks): sets aside masked boxes; for
/// camera-trap pictures, boxes on the information band and static objects; for video, tracks (a track
/// counts and may alert once it is confirmed) and names them (<see cref="TrackNames"/>); puts each detection on the ground from the frame's
/// pose; lets the rules decide; holds a camera-trap picture whose alert waits for its burst; and hands
/// the frame's record to the write stage. It stops when the detect stage has stopped and every frame
/// that stage finished (held ones too) has been handed on.
/// </summary>
public sealed partial class ObservationStage(
    Resequencer resequencer, RecordWriter writer, AlertRaiser raiser, IOptions<SourcesOptions> sources, IOptions<TrackingOptions> tracking,
    IOptions<RecordingOptions> recording, IOptions<AlertingOptions> alerting, SourceActivity activity, TimeProvider time, ILogger<ObservationStage> logger,
    VerdictStore? verdicts = null, IDetector? detector = null)
    : BackgroundService
{
    private readonly BurstConfirmer _bursts = new(alerting.Value.Rules, time, raiser.Settle);

    /// <summary>Each video source's tracker, and when it started: that run of the stream (a drone's flight).</summary>
    private readonly Dictionary<string, (IouTracker Tracker, DateTimeOffset Flight)> _trackers = new(StringComparer.Ordinal);

    /// <summary>What each video track is named: the species classifier's looks at it, or its frames' labels.</summary>
    private readonly TrackNames _names = new(detector is ClassifyingDetector { Classifier: not null } species ? species : null, logger);

    /// <summary>Confirmed tracks decided without a position (a drone's telemetry not there yet): decided again once they have one.</summary>
    private readonly HashSet<(string Source, string Track)> _awaitingPosition = [];

    // Each camera's information band is logged once, when it is first seen.
    private readonly HashSet<string> _bandsLogged = new(StringComparer.Ordinal);
    private readonly Dictionary<string, StaticObjectFilter> _staticObjects = sources.Value.DropFolders
        .ToDictionary(f => f.Id, f => new StaticObjectFilter(f.StaticObjects), StringComparer.Ordinal);
    private readonly Dictionary<string, BandEvidence> _bandEvidence = sources.Value.DropFolders.ToDictionary(f => f.Id, _ => new BandEvidence(), StringComparer.Ordinal);
    private readonly Dictionary<string, DetectionMask> _masks = sources.Value.DropFolders.Select(f => (f.Id, f.Masks))
        .Concat(sources.Value.Streams.Select(s => (s.Id, s.Masks)))
        .ToDictionary(m => m.Id, m => new DetectionMask(m.Masks), StringComparer.Ordinal);

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        var input = resequencer.Output;
        try
        {
            // Until the detect stage completes the hand-off, not until stopping: frames it finished must be recorded.
            while (true)
            {
                var ready = await WaitForFrameAsync(input).ConfigureAwait(false);
                if (ready is false)
                {
                    break;
                }

                // Pictures held for their burst whose wait is over go on first.
                foreach (var expired in _bursts.Expired())
                {
                    await writer.EnqueueAsync(expired, CancellationToken.None).ConfigureAwait(false);
                }

                while (ready is true && input.TryRead(out var detected))
                {
                    resequencer.Slots.Release();
                    foreach (var record in Decided(detected))
                    {
                        await writer.EnqueueAsync(record, CancellationToken.None).ConfigureAwait(false);
                    }
                }
            }

            foreach (var record in _bursts.ReleaseAll())
            {
                await writer.EnqueueAsync(record, CancellationToken.None).ConfigureAwait(false);
            }
        }
        finally
        {
            _names.Complete();
            writer.Complete();
        }
    }

    /// <summary>True when a frame waits, false when no more will come, null when a held picture's wait is over first.</summary>
    private async Task<bool?> WaitForFrameAsync(System.Threading.Channels.ChannelReader<DetectedFrame> input)
    {
        if (_bursts.NextDeadline is not { } deadline)
        {
            return await input.WaitToReadAsync(CancellationToken.None).ConfigureAwait(false);
        }

        var wait = deadline - time.GetUtcNow();
        if (wait <= TimeSpan.Zero)
        {
            return null;
        }

        using var timeout = new CancellationTokenSource(wait, time);
        try
        {
            return await input.WaitToReadAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>The records one frame lets go on: its own, unless its burst holds it, and any it releases.</summary>
    private IReadOnlyList<FrameRecord> Decided(DetectedFrame detected)
    {
        FrameRecord record;
        try
        {
            record = Observe(detected);
        }
        catch (Exception e)
        {
            LogFrameFailed(e, detected.Frame.SourceId);
            return [FrameRecord.Failed(detected.Frame, $"processing failed: {e.Message}")];
        }

        return record.Frame.File is null || record.Failure is not null ? [record] : _bursts.Take(record);
    }

    /// <summary>One frame through post-processing, placing and deciding.</summary>
    public FrameRecord Observe(DetectedFrame detected)
    {
        ArgumentNullException.ThrowIfNull(detected);
        var frame = detected.Frame;
        activity.Saw(frame.SourceId, frame.Pixels, frame.Clock?.Issue);
        if (detected.Failure is { } failure)
        {
            AgentMetrics.FailedFrames.WithLabels(frame.SourceId).Inc();
            if (frame.Failure is null)
            {
                // A picture that could not be read was said by its source, with its name.
                LogDetectFailed(frame.SourceId, failure);
            }

            return FrameRecord.Failed(frame, failure);
        }

        var mask = _masks.GetValueOrDefault(frame.SourceId) ?? DetectionMask.None;
        if (frame.File is not { } file)
        {
            var unmasked = PicturePostProcessor.Apply(detected.Detections, null, frame.Width, frame.Height, mask, dismissed: Dismissed(frame.SourceId));
            return ObserveVideo(frame, unmasked.Kept);
        }

        var post = PicturePostProcessor.Apply(
            detected.Detections, frame.Pixels, frame.Width, frame.Height, mask, _staticObjects.GetValueOrDefault(frame.SourceId), _bandEvidence.GetValueOrDefault(frame.SourceId),
            Dismissed(frame.SourceId));
        if (post.Bands.Count > 0 && _bandsLogged.Add(frame.SourceId))
        {
            LogBand(frame.SourceId, string.Join(", ", post.Bands.Select(b => $"{b.Edge.ToString().ToLowerInvariant()} {b.Share:P1}")));
        }

        foreach (var reason in post.Suppressed.GroupBy(s => s.Reason))
        {
            // Masked and dismissed boxes are people's own choice and are not counted; the others say how much the agent set aside by itself.
            var counter = reason.Key switch
            {
                PicturePostProcessor.Overlay => AgentMetrics.OverlaySuppressed,
                PicturePostProcessor.Static => AgentMetrics.StaticSuppressed,
                _ => null,
            };
            counter?.WithLabels(frame.SourceId).Inc(reason.Count());
        }

        var record = ObservePicture(frame, file, post.Kept);
        return post.Suppressed.Count == 0 ? record : record with { Suppressed = post.Suppressed };
    }

    private FrameRecord ObservePicture(Frame frame, FileKey file, IReadOnlyList<Detection> detections)
    {
        var decisions = new Decisions();
        var placed = detections.Select(d =>
        {
            var placement = GroundProjection.Place(frame.Pose, d.Box, frame.Width, frame.Height);
            var alert = Decide(frame, d, placement, file.Subject, decisions);
            return new PlacedDetection(d, placement, alert?.Id);
        }).ToList();
        return new FrameRecord(frame, placed, RecordDetections: true, [], decisions.Alerts) { Observed = decisions.Observed };
    }

    /// <summary>What people said was not a threat at this source, or null when verdicts are not kept.</summary>
    private Func<Detection, bool>? Dismissed(string sourceId) => verdicts is null ? null : d => verdicts.Dismisses(sourceId, d);

    private FrameRecord ObserveVideo(Frame frame, IReadOnlyList<Detection> detections)
    {
        if (!_trackers.TryGetValue(frame.SourceId, out var run))
        {
            // Track ids begin with the time the tracker started, so they never repeat across restarts.
            var started = time.GetUtcNow();
            var prefix = started.UtcDateTime.ToString("yyyyMMdd'T'HHmmssfff'-'", System.Globalization.CultureInfo.InvariantCulture);
            _trackers[frame.SourceId] = run = (new IouTracker(tracking.Value, prefix), started);
        }

        var (tracker, flight) = run;

        var decisions = new Decisions();
        var placed = new List<PlacedDetection>();
        var sightings = new List<TrackSighting>();
        var current = tracker.Update(detections, frame.CapturedAt);
        _names.See(frame, current, t => t.JustConfirmed || (t.Confirmed && _awaitingPosition.Contains((frame.SourceId, t.TrackId))));
        foreach (var tracked in current)
        {
            var key = (frame.SourceId, tracked.TrackId);
            var named = _names.NameOf(frame.SourceId, tracked);
            var placement = GroundProjection.Place(frame.Pose, tracked.Detection.Box, frame.Width, frame.Height);
            var decide = tracked.JustConfirmed || (tracked.Confirmed && placement.Position is not null && _awaitingPosition.Remove(key));
            var alert = decide ? Decide(frame, tracked.Detection with { Taxon = named }, placement, $"track:{tracked.TrackId}", decisions) : null;
            if (tracked.JustConfirmed && placement.Position is null && alert is null)
            {
                if (_awaitingPosition.Count > 10_000)
                {
                    _awaitingPosition.Clear();
                }

                _awaitingPosition.Add(key);
            }

            // A frame's record names the animal as its track is named at that frame: what its alert said, if it raised one.
            placed.Add(new PlacedDetection(tracked.Detection with { Taxon = named }, placement, alert?.Id, tracked.TrackId));
            if (tracked.Confirmed)
            {
                sightings.Add(new TrackSighting(tracked.TrackId, tracked.Detection, placement, tracked.FirstSeen, tracked.Best, alert?.Id) { Flight = flight, Taxon = named });
            }
        }

        return new FrameRecord(frame, placed, recording.Value.VideoDetections, sightings, decisions.Alerts) { Observed = decisions.Observed };
    }

    /// <summary>The alert a detection raises, if any; one alert per id in a frame.</summary>
    private Alert? Decide(Frame frame, Detection detection, Placement placement, string subject, Decisions decisions)
    {
        var observation = new Observation(frame.SourceId, frame.CapturedAt, placement.Position, detection, null, frame.ReceivedAt, subject, placement.Uncertainty, frame.Pose);
        decisions.Observed.Add(observation);
        var alert = raiser.Decide(observation);
        if (alert is null || decisions.Alerts.Any(a => a.Id == alert.Id))
        {
            return alert;
        }

        decisions.Alerts.Add(alert);
        return alert;
    }

    /// <summary>What the rules were asked about one frame, and the alerts they raised.</summary>
    private sealed class Decisions
    {
        public List<Observation> Observed { get; } = [];

        public List<Alert> Alerts { get; } = [];
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "A frame from {Source} could not be processed")]
    private partial void LogFrameFailed(Exception exception, string source);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A frame from {Source} could not be processed: {Failure}")]
    private partial void LogDetectFailed(string source, string failure);

    [LoggerMessage(Level = LogLevel.Information, Message = "Camera {Source} burns an information band into its pictures ({Bands} of the height): detections lying mostly on it are not objects")]
    private partial void LogBand(string source, string bands);
}
