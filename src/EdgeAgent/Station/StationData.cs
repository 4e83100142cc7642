namespace EdgeAgent.Station;

using EdgeAgent.Alerting.Geofencing;
using EdgeAgent.Alerting.Outbox;
using EdgeAgent.Hosting;
using EdgeAgent.Maps;
using EdgeAgent.Recording;
using EdgeAgent.Sources;
using EdgeAgent.Sync;
using EdgeAgent.Verdicts;

/// <summary>A source as the page shows it: the same state as <c>/healthz</c>, with its recent activity.</summary>
public sealed record SourceView(
    string Id, string Kind, SourceState State, DateTimeOffset? Since, string Detail, (string Error, DateTimeOffset At)? LastError,
    SourceSnapshot? Activity, double Dropped);

/// <summary>An alert with its delivery on each channel and the latest verdict on it, if any.</summary>
public sealed record AlertView(Alerting.Rules.Alert Alert, IReadOnlyList<OutboxEntry> Deliveries, Verdict? Verdict = null);

/// <summary>Reads what the station page shows from the agent's own state: health, activity, the outbox and the records.</summary>
public sealed class StationData(
    AgentHealth health, SourceActivity activity, AlertOutbox outbox, OutboxQueries alerts, VerdictStore verdicts, RecordDatabase database, RecordQueries records, ZoneMap zones, IOptions<GeofencingOptions> geofencing,
    IOptions<SourcesOptions> sources, IOptions<RecordingOptions> recording, IOptions<StationOptions> station, TimeProvider time, SyncService? sync = null)
{
    /// <summary>How far back the map and the counts look.</summary>
    public static readonly TimeSpan MapPeriod = TimeSpan.FromDays(7);

    /// <summary>The days the counts chart covers.</summary>
    public const int CountDays = 30;

    /// <summary>Most records drawn on the map (the latest).</summary>
    public const int MapRecords = 500;

    /// <summary>Grows with every commit of records (and the alerts they raised).</summary>
    public long RecordsVersion => database.Version;

    /// <summary>The agent's clock.</summary>
    public TimeProvider Time => time;

    /// <summary>Every configured source, drop folders first.</summary>
    public IReadOnlyList<SourceView> Sources()
    {
        var configured = sources.Value.DropFolders.Select(f => (f.Id, Kind: "drop folder"))
            .Concat(sources.Value.Streams.Select(s => (s.Id, Kind: "stream")));
        return configured.Select(s =>
        {
            var known = health.Sources.TryGetValue(s.Id, out var h);
            var lastError = health.LastErrors.TryGetValue(s.Id, out var e) ? e : ((string, DateTimeOffset)?)null;
            return new SourceView(
                s.Id, s.Kind, known ? h.State : SourceState.Starting, known ? h.Since : null, known ? h.Detail : "", lastError, activity.Of(s.Id),
                AgentMetrics.FramesDropped.WithLabels(s.Id).Value);
        }).ToList();
    }

    /// <summary>Where shipping to the central database stands; null when it is off.</summary>
    public ShippingStatus? Shipping() => sync?.Status;

    /// <summary>A source's latest thumbnail, or null.</summary>
    public byte[]? Thumbnail(string sourceId) => activity.Of(sourceId)?.Thumbnail;

    /// <summary>The latest alerts, newest first, with their verdicts.</summary>
    public IReadOnlyList<AlertView> Alerts()
    {
        var latest = alerts.Latest(station.Value.Alerts).GroupBy(e => e.Id, StringComparer.Ordinal).ToList();
        var given = verdicts.Of(latest.Select(g => g.Key).ToList());
        return latest.Select(g => new AlertView(g.First().Alert, g.ToList(), given.GetValueOrDefault(g.Key))).ToList();
    }

    /// <summary>Records a person's verdict on an alert; false when there is no such alert.</summary>
    public bool GiveVerdict(string alertId, bool threat, string by)
    {
        if (alerts.Find(alertId) is not { } alert)
        {
            return false;
        }

        verdicts.Give(alert, threat, by);
        return true;
    }

    /// <summary>Takes a verdict back; false when there was none to undo.</summary>
    public bool UndoVerdict(long id, string by) => verdicts.Undo(id, by);

    /// <summary>An alert's annotated picture, or null.</summary>
    public byte[]? Picture(string alertId) => alerts.Picture(alertId);

    /// <summary>Puts a failed delivery back in the queue.</summary>
    public Task<bool> RetryAsync(string alertId, string channel) => outbox.RetryAsync(alertId, channel);

    /// <summary>The map's contents.</summary>
    public MapView Map()
    {
        return new MapView(zones.Zones, geofencing.Value.Cameras, records.Placed(null, time.GetUtcNow() - MapPeriod, null, MapRecords), Alerts().Select(a => a.Alert).ToList());
    }

    /// <summary>Per taxon (or label, for what has none), the counts of the last <see cref="CountDays"/> days (oldest first), as the records count them.</summary>
    public IReadOnlyList<(string Name, string Label, string Category, string Unit, int[] PerDay)> Counts()
    {
        var today = time.GetUtcNow().UtcDateTime.Date;
        var first = today.AddDays(1 - CountDays);
        return records.CountsPerDay(recording.Value.BurstGap, recording.Value.SameAnimalWithin, new DateTimeOffset(first, TimeSpan.Zero))
            .Select(c => (Count: c, Day: DateTime.ParseExact(c.Day, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)))
            .Where(c => c.Day >= first && c.Day <= today)
            .GroupBy(c => (c.Count.Name, c.Count.Label, c.Count.Category, c.Count.Unit))
            .Select(g =>
            {
                var perDay = new int[CountDays];
                foreach (var (count, day) in g)
                {
                    perDay[(day - first).Days] += count.Count;
                }

                return (g.Key.Name, g.Key.Label, g.Key.Category, g.Key.Unit, perDay);
            })
            .OrderByDescending(c => c.perDay.Sum()).ThenBy(c => c.Name, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>The latest records of a label (pictures and tracks), newest first, for the counts' links.</summary>
    public IReadOnlyList<LabelRecord> RecordsOf(string label) => records.Latest(label, 200);
}
