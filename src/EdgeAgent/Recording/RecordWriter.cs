namespace EdgeAgent.Recording;

using System.Diagnostics;
using System.Threading.Channels;
using EdgeAgent.Alerting;
using EdgeAgent.Alerting.Outbox;
using EdgeAgent.Hosting;

/// <summary>
/// The write stage: encodes alert pictures, saves snapshots and commits frames to the database with
/// group commit — each transaction takes every frame waiting (up to <see cref="MaxBatch"/>), so one
/// fsync serves many frames when they arrive faster than the disk, and a lone frame is not held
/// back. None of this runs on the detector's threads. Only after the commit are the frames done
/// (a drop folder then moves its file), the outbox's dispatchers woken and the detection events published. A commit that fails
/// (a full disk) is retried until it succeeds or the agent stops: nothing is dropped, and what was
/// not committed is processed again at the next start.
/// </summary>
public sealed partial class RecordWriter(
    RecordDatabase database, SnapshotStore snapshots, AlertOutbox outbox, AlertRaiser raiser, TimeProvider time, ILogger<RecordWriter> logger) : BackgroundService
{
    /// <summary>Most frames in one transaction.</summary>
    public const int MaxBatch = 64;

    private readonly Channel<FrameRecord> _input = Channel.CreateBounded<FrameRecord>(new BoundedChannelOptions(MaxBatch) { SingleReader = true });
    private readonly Dictionary<(string Source, string Track), float> _trackSnapshots = [];

    /// <summary>Hands a frame's record to the writer, waiting while it is behind.</summary>
    public ValueTask EnqueueAsync(FrameRecord record, CancellationToken cancellationToken) => _input.Writer.WriteAsync(record, cancellationToken);

    /// <summary>No more records: the writer commits what it has and stops.</summary>
    public void Complete() => _input.Writer.TryComplete();

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Runs until its input is complete, not until stopping: what the earlier stages finished
        // while stopping must still be committed.
        await Task.Yield();
        var batch = new List<FrameRecord>(MaxBatch);
        while (await _input.Reader.WaitToReadAsync(CancellationToken.None).ConfigureAwait(false))
        {
            while (batch.Count < MaxBatch && _input.Reader.TryRead(out var record))
            {
                batch.Add(record);
            }

            await CommitAsync(batch, stoppingToken).ConfigureAwait(false);
            batch.Clear();
        }
    }

    private async Task CommitAsync(List<FrameRecord> batch, CancellationToken stoppingToken)
    {
        var prepared = batch.Select(PrepareOrNot).ToList();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var start = Stopwatch.GetTimestamp();
                var stored = database.Write(prepared, raiser.Channels, time.GetUtcNow());
                AgentMetrics.CommitSeconds.Observe(Stopwatch.GetElapsedTime(start).TotalSeconds);
                Committed(prepared, stored);
                return;
            }
            catch (Exception e) when (e is Microsoft.Data.Sqlite.SqliteException or IOException)
            {
                if (stoppingToken.IsCancellationRequested && attempt > 3)
                {
                    // Not committed means not done: the pictures are processed again at the next start.
                    LogAbandoned(batch.Count, e.Message);
                    prepared.ForEach(r => r.Frame.Dispose());
                    return;
                }

                LogCommitFailed(batch.Count, attempt, e.Message);
                await Task.Delay(TimeSpan.FromSeconds(Math.Min(attempt, 5)), time, CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    /// <summary>A picture that cannot be drawn or saved costs the alert its picture, never the alert or the record.</summary>
    private FrameRecord PrepareOrNot(FrameRecord record)
    {
        try
        {
            return Prepare(record);
        }
        catch (Exception e) when (e is OpenCvSharp.OpenCVException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            LogPictureFailed(record.Frame.SourceId, e.Message);
            return record;
        }
    }

    /// <summary>
    /// Draws and encodes the alert picture and saves the snapshots a frame needs: the alert's, and a
    /// track's best frame when its confidence has risen by 0.05 since the last one saved.
    /// </summary>
    private FrameRecord Prepare(FrameRecord record)
    {
        var frame = record.Frame;
        bool WantsSnapshot(TrackSighting s) => s.Best && (s.AlertId is not null ||
            !_trackSnapshots.TryGetValue((frame.SourceId, s.TrackId), out var saved) || s.Detection.Confidence >= saved + 0.05f);
        if (record.Alerts.Count == 0 && !record.Tracks.Any(WantsSnapshot))
        {
            return record;
        }

        var jpeg = PictureAnnotator.Annotate(frame.Pixels, frame.DecodeScale, record.Detections.Select(d => d.Detection));
        string? snapshot = null;
        var alerts = record.Alerts.Select(alert =>
        {
            snapshot ??= snapshots.Save(alert.Id, frame.CapturedAt, jpeg);
            return alert with { Observation = alert.Observation with { Picture = jpeg } };
        }).ToList();
        var tracks = record.Tracks.Select(sighting =>
        {
            if (!WantsSnapshot(sighting))
            {
                return sighting;
            }

            if (_trackSnapshots.Count > 10_000)
            {
                _trackSnapshots.Clear();
            }

            _trackSnapshots[(frame.SourceId, sighting.TrackId)] = sighting.Detection.Confidence;
            return sighting with
            {
                Snapshot = sighting.AlertId is not null && snapshot is not null
                    ? snapshot
                    : snapshots.Save(SnapshotStore.TrackName(frame.SourceId, sighting.TrackId), frame.CapturedAt, jpeg),
            };
        }).ToList();
        return record with { Alerts = alerts, Tracks = tracks, Picture = snapshot };
    }

    private void Committed(List<FrameRecord> batch, IReadOnlyDictionary<string, bool> stored)
    {
        outbox.Signal.AlertsCommitted(raiser.Channels);
        foreach (var record in batch)
        {
            foreach (var alert in record.Alerts)
            {
                raiser.Stored(alert, stored.GetValueOrDefault(alert.Id, true));
                AgentMetrics.AlertsQueued.Inc();
            }

            foreach (var detection in record.Detections)
            {
                AgentMetrics.Detections.WithLabels(detection.Detection.Label).Inc();
            }

            foreach (var observation in record.Observed)
            {
                raiser.Announce(observation);
            }

            record.Frame.Dispose();
            record.Frame.Complete();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stopping: {Count} frames not committed ({Error}); their pictures are processed again at the next start")]
    private partial void LogAbandoned(int count, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not commit {Count} frames (attempt {Attempt}): {Error}; retrying")]
    private partial void LogCommitFailed(int count, int attempt, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "The alert picture of a frame from {Source} could not be made ({Error}); its records and alerts go without it")]
    private partial void LogPictureFailed(string source, string error);
}
