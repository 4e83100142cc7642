namespace EdgeAgent.Recording;

using System.Globalization;
using EdgeAgent.Alerting.Outbox;
using EdgeAgent.Alerting.Observations;
using EdgeAgent.Common;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

/// <summary>A record with a position: a video track or a camera-trap detection.</summary>
public sealed record PlacedRecord(
    string Kind, string SourceId, string? TrackId, string Label, string Category, float Confidence, DateTimeOffset FirstSeen, DateTimeOffset LastSeen,
    int Frames, GeoPosition Position, double? Uncertainty, string PlacedBy, string? Picture, string? AlertId);

/// <summary>A record of one label as a list shows it: a camera-trap detection or a video track, placed or not.</summary>
public sealed record LabelRecord(string Kind, string SourceId, DateTimeOffset SeenAt, float Confidence, GeoPosition? Position, string? AlertId);

/// <summary>One row of <c>counts</c>: how many of a label were seen on a day, and what was counted.</summary>
public sealed record DailyCount(string Day, string Category, string Label, int Count, string Unit);

/// <summary>
/// One animal (or person, or vehicle) a video source saw: a track, or several tracks of one flight
/// placed so close together that they are the same one seen again.
/// </summary>
/// <param name="SourceId">The video source.</param>
/// <param name="Flight">When the run of the stream (a drone's flight) that saw it began, UTC.</param>
/// <param name="Label">What the model called it.</param>
/// <param name="Category">Animal, person or vehicle.</param>
/// <param name="FirstSeen">When it was first seen.</param>
/// <param name="Position">Where it was placed on the ground; null when it was not placed from a pose.</param>
/// <param name="TrackId">Its (first) track.</param>
/// <param name="LastSeen">When that track was last seen.</param>
/// <param name="Snapshot">That track's best-frame snapshot, if one was saved.</param>
/// <param name="Recorded">The position recorded with the track however it was placed (a fixed camera's own, say); null when none.</param>
public sealed record SeenAnimal(
    string SourceId, DateTimeOffset Flight, string Label, string Category, DateTimeOffset FirstSeen, GeoPosition? Position,
    string TrackId = "", DateTimeOffset LastSeen = default, string? Snapshot = null, GeoPosition? Recorded = null);

/// <summary>
/// The record of what the agent saw, in the agent's one SQLite database (WAL, synchronous=FULL),
/// beside the outbox: camera-trap detections with time, source, label, category, confidence, box
/// and position; video tracks (first and last seen, frames, best confidence and its picture); and
/// the ledger of camera-trap files done. <see cref="Write"/> commits a batch of frames — ledger rows,
/// records and alerts — in one transaction, so after any crash a picture is either fully done or not
/// at all, and an alert is never stored without the record that raised it.
/// </summary>
public sealed class RecordDatabase : IDisposable
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS detections (
            id INTEGER PRIMARY KEY,
            source_id TEXT NOT NULL,
            captured_at TEXT NOT NULL,
            label TEXT NOT NULL,
            category TEXT NOT NULL,
            confidence REAL NOT NULL,
            x REAL NOT NULL, y REAL NOT NULL, width REAL NOT NULL, height REAL NOT NULL,
            latitude REAL, longitude REAL, uncertainty_m REAL, placed_by TEXT NOT NULL DEFAULT 'camera',
            picture TEXT,
            alert_id TEXT,
            track_id TEXT);
        CREATE INDEX IF NOT EXISTS detections_by_day ON detections (substr(captured_at, 1, 10), label);
        CREATE INDEX IF NOT EXISTS detections_by_time ON detections (captured_at);
        CREATE INDEX IF NOT EXISTS detections_by_burst ON detections (source_id, label, captured_at);
        CREATE TABLE IF NOT EXISTS tracks (
            source_id TEXT NOT NULL,
            track_id TEXT NOT NULL,
            label TEXT NOT NULL,
            category TEXT NOT NULL,
            first_seen TEXT NOT NULL,
            last_seen TEXT NOT NULL,
            frames INTEGER NOT NULL,
            best_confidence REAL NOT NULL,
            x REAL NOT NULL, y REAL NOT NULL, width REAL NOT NULL, height REAL NOT NULL,
            latitude REAL, longitude REAL, uncertainty_m REAL, placed_by TEXT NOT NULL,
            snapshot TEXT,
            alert_id TEXT,
            PRIMARY KEY (source_id, track_id));
        CREATE TABLE IF NOT EXISTS suppressed (
            source_id TEXT NOT NULL,
            captured_at TEXT NOT NULL,
            file_path TEXT,
            reason TEXT NOT NULL,
            label TEXT NOT NULL,
            category TEXT NOT NULL,
            confidence REAL NOT NULL);
        CREATE INDEX IF NOT EXISTS suppressed_by_time ON suppressed (captured_at);
        CREATE TABLE IF NOT EXISTS source_states (
            source_id TEXT NOT NULL,
            at TEXT NOT NULL,
            state TEXT NOT NULL,
            detail TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS files_done (
            source_id TEXT NOT NULL,
            path TEXT NOT NULL,
            size INTEGER NOT NULL,
            modified_ticks INTEGER NOT NULL,
            done_at TEXT NOT NULL,
            detections INTEGER NOT NULL,
            failure TEXT,
            PRIMARY KEY (source_id, path, size, modified_ticks));
        """;

    private readonly SqliteConnection _connection;
    private readonly Lock _lock = new();

    // Look-ups have a connection of their own: in WAL mode they read while a commit (and its fsync) is under way.
    private readonly SqliteConnection _reader;
    private readonly Lock _readerLock = new();

    private long _version;

    /// <summary>Grows with every commit: whoever shows the records knows when to read them again.</summary>
    public long Version => Interlocked.Read(ref _version);

    /// <summary>Opens or creates the database with the record's and the outbox's tables.</summary>
    public RecordDatabase(IOptions<DatabaseOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _connection = SqliteFile.Open(options.Value.Path, "FULL", Schema + AlertOutbox.Schema, "Database:Path", options.Value.LockTimeout);

        // What earlier versions did not keep: a picture's capture time and size (for its media record), a detection's file.
        _connection.AddColumnIfMissing("files_done", "captured_at", "TEXT");
        _connection.AddColumnIfMissing("files_done", "width", "INTEGER");
        _connection.AddColumnIfMissing("files_done", "height", "INTEGER");
        _connection.AddColumnIfMissing("detections", "file_path", "TEXT");
        _reader = SqliteFile.Open(options.Value.Path, "FULL", "", "Database:Path", options.Value.LockTimeout);
    }

    /// <summary>Whether a camera-trap file was already done.</summary>
    public bool IsDone(FileKey file)
    {
        lock (_readerLock)
        {
            using var select = _reader.Command("SELECT 1 FROM files_done WHERE source_id = $s AND path = $p AND size = $z AND modified_ticks = $m");
            Bind(select, file);
            return select.ExecuteScalar() is not null;
        }
    }

    /// <summary>
    /// Commits a batch of frames in one transaction. Returns, per alert, whether it is new (false:
    /// stored before a crash, with the same id).
    /// </summary>
    public IReadOnlyDictionary<string, bool> Write(IReadOnlyList<FrameRecord> batch, IReadOnlyCollection<string> channels, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var alerts = new Dictionary<string, bool>(StringComparer.Ordinal);
        lock (_lock)
        {
            using var transaction = _connection.BeginTransaction();
            foreach (var record in batch)
            {
                if (record.RecordDetections)
                {
                    foreach (var detection in record.Detections)
                    {
                        InsertDetection(transaction, record, detection);
                    }

                    foreach (var suppressed in record.Suppressed)
                    {
                        InsertSuppressed(transaction, record, suppressed);
                    }
                }

                foreach (var sighting in record.Tracks)
                {
                    UpsertTrack(transaction, record, sighting);
                }

                if (record.Frame.File is { } file)
                {
                    using var done = _connection.Command("""
                        INSERT OR REPLACE INTO files_done (source_id, path, size, modified_ticks, done_at, detections, failure, captured_at, width, height)
                        VALUES ($s, $p, $z, $m, $now, $count, $failure, $captured, $width, $height)
                        """, transaction);
                    Bind(done, file);
                    done.Parameters.AddWithValue("$captured", Text(record.Frame.CapturedAt));
                    done.Parameters.AddWithValue("$width", record.Frame.Width);
                    done.Parameters.AddWithValue("$height", record.Frame.Height);
                    done.Parameters.AddWithValue("$now", Text(now));
                    done.Parameters.AddWithValue("$count", record.Detections.Count);
                    done.Parameters.AddWithValue("$failure", (object?)record.Failure ?? DBNull.Value);
                    done.ExecuteNonQuery();
                }

                foreach (var alert in record.Alerts)
                {
                    alerts[alert.Id] = alerts.GetValueOrDefault(alert.Id) || channels.Count == 0 || AlertOutbox.Insert(transaction, alert, channels, now);
                }
            }

            transaction.Commit();
            Interlocked.Increment(ref _version);
        }

        return alerts;
    }

    /// <summary>
    /// Counts per day, category and label for the biodiversity trend: video animals (see
    /// <see cref="Animals(double)"/>), and camera-trap pictures, where the pictures of one burst — the same
    /// camera and label, each within <paramref name="burstGap"/> of the one before — count once.
    /// </summary>
    /// <param name="burstGap">Pictures of one camera and label closer than this are one burst.</param>
    /// <param name="sameAnimalWithin">Tracks of one flight placed closer than this (metres) are one animal.</param>
    /// <param name="since">Only what was seen from then on; null: everything.</param>
    public IReadOnlyList<DailyCount> CountsPerDay(TimeSpan burstGap, double sameAnimalWithin = 0, DateTimeOffset? since = null)
    {
        var counts = new Dictionary<(string Day, string Category, string Label, string Unit), int>();
        foreach (var animal in Animals(sameAnimalWithin).Where(a => since is null || a.FirstSeen >= since))
        {
            var key = (Day(animal.FirstSeen), animal.Category, animal.Label, "tracks");
            counts[key] = counts.GetValueOrDefault(key) + 1;
        }

        lock (_readerLock)
        {
            using var pictures = _reader.Command("""
                SELECT DISTINCT source_id, label, category, captured_at FROM detections WHERE track_id IS NULL AND ($since IS NULL OR captured_at >= $since)
                ORDER BY source_id, label, captured_at
                """);
            pictures.Parameters.AddWithValue("$since", since is { } from ? Text(from) : DBNull.Value);
            using var rows = pictures.ExecuteReader();
            (string Source, string Label, DateTimeOffset At)? previous = null;
            while (rows.Read())
            {
                var (source, label, category) = (rows.GetString(0), rows.GetString(1), rows.GetString(2));
                var at = DateTimeOffset.Parse(rows.GetString(3), CultureInfo.InvariantCulture);
                var sameBurst = previous is { } p && p.Source == source && p.Label == label && at - p.At <= burstGap;
                previous = (source, label, at);
                if (!sameBurst)
                {
                    var key = (Day(at), category, label, "bursts");
                    counts[key] = counts.GetValueOrDefault(key) + 1;
                }
            }
        }

        return counts.Select(c => new DailyCount(c.Key.Day, c.Key.Category, c.Key.Label, c.Value, c.Key.Unit))
            .OrderBy(c => c.Day, StringComparer.Ordinal).ThenBy(c => c.Category, StringComparer.Ordinal)
            .ThenBy(c => c.Label, StringComparer.Ordinal).ThenBy(c => c.Unit, StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// The animals video sources saw, oldest first: each track is one (an animal that stays in view is
    /// one), except that within one run of a stream — a flight — a track placed on the ground within
    /// <paramref name="sameAnimalWithin"/> metres of an earlier track of its label is the same animal seen again.
    /// </summary>
    public IReadOnlyList<SeenAnimal> Animals(double sameAnimalWithin)
    {
        lock (_readerLock)
        {
            return Animals(_reader, sameAnimalWithin);
        }
    }

    /// <summary>The animals of a records database open on <paramref name="connection"/> (see the instance method).</summary>
    public static IReadOnlyList<SeenAnimal> Animals(SqliteConnection connection, double sameAnimalWithin)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var animals = new List<SeenAnimal>();
        var placed = new Dictionary<(string Source, DateTimeOffset Flight, string Label), List<GeoPosition>>();

        // Track ids begin with the time their stream's tracker started (yyyyMMddTHHmmssfff-): that run of the stream is the flight.
        using var tracks = connection.Command("""
            SELECT source_id, substr(track_id, 1, instr(track_id, '-') - 1), label, category, first_seen, latitude, longitude, placed_by, track_id, last_seen, snapshot
            FROM tracks ORDER BY first_seen
            """);
        using var reader = tracks.ExecuteReader();
        while (reader.Read())
        {
            var flight = DateTimeOffset.TryParseExact(reader.GetString(1), "yyyyMMdd'T'HHmmssfff", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var started)
                ? started : DateTimeOffset.MinValue;
            var (source, label) = (reader.GetString(0), reader.GetString(2));
            GeoPosition? recorded = reader.IsDBNull(5) ? null : new GeoPosition(reader.GetDouble(5), reader.GetDouble(6));
            var position = reader.GetString(7) == "ground" ? recorded : null;
            if (position is { } at)
            {
                if (!placed.TryGetValue((source, flight, label), out var earlier))
                {
                    placed[(source, flight, label)] = earlier = [];
                }

                if (earlier.Exists(e => Placement.GroundProjection.Distance(e, at) <= sameAnimalWithin))
                {
                    continue;
                }

                earlier.Add(at);
            }

            animals.Add(new SeenAnimal(
                source, flight, label, reader.GetString(3), DateTimeOffset.Parse(reader.GetString(4), CultureInfo.InvariantCulture), position,
                reader.GetString(8), DateTimeOffset.Parse(reader.GetString(9), CultureInfo.InvariantCulture), reader.IsDBNull(10) ? null : reader.GetString(10), recorded));
        }

        return animals;
    }

    /// <summary>
    /// Every placed record — video tracks and camera-trap detections with a position — of a source (or
    /// all) seen between two times (or ever), oldest first: what a map of a flight or a site shows.
    /// </summary>
    /// <param name="source">The source, or null for all.</param>
    /// <param name="from">From when, or null.</param>
    /// <param name="to">Until when, or null.</param>
    /// <param name="latest">Only the latest this many, or null for all.</param>
    public IReadOnlyList<PlacedRecord> Placed(string? source, DateTimeOffset? from, DateTimeOffset? to, int? latest = null)
    {
        var rows = new List<PlacedRecord>();
        lock (_readerLock)
        {
            using var select = _reader.Command("""
                SELECT 'track', source_id, track_id, label, category, best_confidence, first_seen, last_seen, frames, latitude, longitude, uncertainty_m, placed_by, snapshot, alert_id
                FROM tracks WHERE latitude IS NOT NULL AND ($source IS NULL OR source_id = $source) AND ($from IS NULL OR last_seen >= $from) AND ($to IS NULL OR first_seen <= $to)
                UNION ALL
                SELECT 'detection', source_id, NULL, label, category, confidence, captured_at, captured_at, 1, latitude, longitude, uncertainty_m, placed_by, picture, alert_id
                FROM detections WHERE track_id IS NULL AND latitude IS NOT NULL AND ($source IS NULL OR source_id = $source) AND ($from IS NULL OR captured_at >= $from) AND ($to IS NULL OR captured_at <= $to)
                ORDER BY 7 DESC LIMIT $latest
                """);
            select.Parameters.AddWithValue("$latest", latest ?? -1);
            select.Parameters.AddWithValue("$source", (object?)source ?? DBNull.Value);
            select.Parameters.AddWithValue("$from", from is { } f ? Text(f) : DBNull.Value);
            select.Parameters.AddWithValue("$to", to is { } t ? Text(t) : DBNull.Value);
            using var reader = select.ExecuteReader();
            while (reader.Read())
            {
                string? Optional(int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
                rows.Add(new PlacedRecord(
                    reader.GetString(0), reader.GetString(1), Optional(2), reader.GetString(3), reader.GetString(4), reader.GetFloat(5),
                    DateTimeOffset.Parse(reader.GetString(6), CultureInfo.InvariantCulture), DateTimeOffset.Parse(reader.GetString(7), CultureInfo.InvariantCulture),
                    reader.GetInt32(8), new GeoPosition(reader.GetDouble(9), reader.GetDouble(10)), reader.IsDBNull(11) ? null : reader.GetDouble(11),
                    reader.GetString(12), Optional(13), Optional(14)));
            }
        }

        rows.Reverse();
        return rows;
    }

    /// <summary>The latest records of a label — camera-trap detections and video tracks — newest first.</summary>
    public IReadOnlyList<LabelRecord> Latest(string label, int count)
    {
        var rows = new List<LabelRecord>();
        lock (_readerLock)
        {
            using var select = _reader.Command("""
                SELECT * FROM (
                    SELECT 'detection', source_id, captured_at, confidence, latitude, longitude, alert_id FROM detections WHERE track_id IS NULL AND label = $label
                    UNION ALL
                    SELECT 'track', source_id, first_seen, best_confidence, latitude, longitude, alert_id FROM tracks WHERE label = $label)
                ORDER BY 3 DESC LIMIT $count
                """);
            select.Parameters.AddWithValue("$label", label);
            select.Parameters.AddWithValue("$count", count);
            using var reader = select.ExecuteReader();
            while (reader.Read())
            {
                rows.Add(new LabelRecord(
                    reader.GetString(0), reader.GetString(1), DateTimeOffset.Parse(reader.GetString(2), CultureInfo.InvariantCulture), reader.GetFloat(3),
                    reader.IsDBNull(4) ? null : new GeoPosition(reader.GetDouble(4), reader.GetDouble(5)), reader.IsDBNull(6) ? null : reader.GetString(6)));
            }
        }

        return rows;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _reader.Dispose();
        _connection.Dispose();
    }

    /// <summary>How the records write a time: UTC, round-trip format, so that text order is time order.</summary>
    internal static string Text(DateTimeOffset at) => at.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);

    private static string Day(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private void InsertDetection(SqliteTransaction transaction, FrameRecord record, PlacedDetection placed)
    {
        var d = placed.Detection;
        using var insert = _connection.Command("""
            INSERT INTO detections (source_id, captured_at, label, category, confidence, x, y, width, height,
                latitude, longitude, uncertainty_m, placed_by, picture, alert_id, track_id, file_path)
            VALUES ($source, $at, $label, $category, $confidence, $x, $y, $w, $h, $lat, $lon, $uncertainty, $by, $picture, $alert, $track, $file)
            """, transaction);
        insert.Parameters.AddWithValue("$file", (object?)record.Frame.File?.Path ?? DBNull.Value);
        insert.Parameters.AddWithValue("$source", record.Frame.SourceId);
        insert.Parameters.AddWithValue("$at", Text(record.Frame.CapturedAt));
        insert.Parameters.AddWithValue("$label", d.Label);
        insert.Parameters.AddWithValue("$category", d.Category.Name());
        insert.Parameters.AddWithValue("$confidence", d.Confidence);
        AddBoxAndPlace(insert, d, placed.Placement);
        insert.Parameters.AddWithValue("$picture", (object?)(record.Picture ?? record.Frame.File?.Path) ?? DBNull.Value);
        insert.Parameters.AddWithValue("$alert", (object?)placed.AlertId ?? DBNull.Value);
        insert.Parameters.AddWithValue("$track", (object?)placed.TrackId ?? DBNull.Value);
        insert.ExecuteNonQuery();
    }

    private void InsertSuppressed(SqliteTransaction transaction, FrameRecord record, SuppressedDetection suppressed)
    {
        using var insert = _connection.Command("""
            INSERT INTO suppressed (source_id, captured_at, file_path, reason, label, category, confidence)
            VALUES ($source, $at, $file, $reason, $label, $category, $confidence)
            """, transaction);
        insert.Parameters.AddWithValue("$source", record.Frame.SourceId);
        insert.Parameters.AddWithValue("$at", Text(record.Frame.CapturedAt));
        insert.Parameters.AddWithValue("$file", (object?)record.Frame.File?.Path ?? DBNull.Value);
        insert.Parameters.AddWithValue("$reason", suppressed.Reason);
        insert.Parameters.AddWithValue("$label", suppressed.Detection.Label);
        insert.Parameters.AddWithValue("$category", suppressed.Detection.Category.Name());
        insert.Parameters.AddWithValue("$confidence", suppressed.Detection.Confidence);
        insert.ExecuteNonQuery();
    }

    /// <summary>Records that a source changed state (up, reconnecting, failed, stopped), for the report's downtime.</summary>
    public void RecordSourceState(string sourceId, string state, string detail, DateTimeOffset at)
    {
        lock (_lock)
        {
            using var insert = _connection.Command("INSERT INTO source_states (source_id, at, state, detail) VALUES ($source, $at, $state, $detail)");
            insert.Parameters.AddWithValue("$source", sourceId);
            insert.Parameters.AddWithValue("$at", Text(at));
            insert.Parameters.AddWithValue("$state", state);
            insert.Parameters.AddWithValue("$detail", detail);
            insert.ExecuteNonQuery();
        }
    }

    private void UpsertTrack(SqliteTransaction transaction, FrameRecord record, TrackSighting sighting)
    {
        var d = sighting.Detection;

        // The box, position and snapshot follow the track's most confident detection.
        using var upsert = _connection.Command("""
            INSERT INTO tracks (source_id, track_id, label, category, first_seen, last_seen, frames, best_confidence,
                x, y, width, height, latitude, longitude, uncertainty_m, placed_by, snapshot, alert_id)
            VALUES ($source, $track, $label, $category, $first, $at, 1, $confidence, $x, $y, $w, $h, $lat, $lon, $uncertainty, $by, $snapshot, $alert)
            ON CONFLICT (source_id, track_id) DO UPDATE SET
                last_seen = excluded.last_seen,
                frames = frames + 1,
                x = CASE WHEN excluded.best_confidence > best_confidence THEN excluded.x ELSE x END,
                y = CASE WHEN excluded.best_confidence > best_confidence THEN excluded.y ELSE y END,
                width = CASE WHEN excluded.best_confidence > best_confidence THEN excluded.width ELSE width END,
                height = CASE WHEN excluded.best_confidence > best_confidence THEN excluded.height ELSE height END,
                latitude = CASE WHEN excluded.best_confidence > best_confidence THEN excluded.latitude ELSE latitude END,
                longitude = CASE WHEN excluded.best_confidence > best_confidence THEN excluded.longitude ELSE longitude END,
                uncertainty_m = CASE WHEN excluded.best_confidence > best_confidence THEN excluded.uncertainty_m ELSE uncertainty_m END,
                placed_by = CASE WHEN excluded.best_confidence > best_confidence THEN excluded.placed_by ELSE placed_by END,
                best_confidence = MAX(best_confidence, excluded.best_confidence),
                snapshot = COALESCE(excluded.snapshot, snapshot),
                alert_id = COALESCE(alert_id, excluded.alert_id)
            """, transaction);
        upsert.Parameters.AddWithValue("$source", record.Frame.SourceId);
        upsert.Parameters.AddWithValue("$track", sighting.TrackId);
        upsert.Parameters.AddWithValue("$label", d.Label);
        upsert.Parameters.AddWithValue("$category", d.Category.Name());
        upsert.Parameters.AddWithValue("$first", Text(sighting.FirstSeen));
        upsert.Parameters.AddWithValue("$at", Text(record.Frame.CapturedAt));
        upsert.Parameters.AddWithValue("$confidence", d.Confidence);
        AddBoxAndPlace(upsert, d, sighting.Placement);
        upsert.Parameters.AddWithValue("$snapshot", (object?)sighting.Snapshot ?? DBNull.Value);
        upsert.Parameters.AddWithValue("$alert", (object?)sighting.AlertId ?? DBNull.Value);
        upsert.ExecuteNonQuery();
    }

    private static void AddBoxAndPlace(SqliteCommand command, Detection d, Placement.Placement placement)
    {
        command.Parameters.AddWithValue("$x", d.Box.X);
        command.Parameters.AddWithValue("$y", d.Box.Y);
        command.Parameters.AddWithValue("$w", d.Box.Width);
        command.Parameters.AddWithValue("$h", d.Box.Height);
        command.Parameters.AddWithValue("$lat", (object?)placement.Position?.Latitude ?? DBNull.Value);
        command.Parameters.AddWithValue("$lon", (object?)placement.Position?.Longitude ?? DBNull.Value);
        command.Parameters.AddWithValue("$uncertainty", (object?)placement.Uncertainty ?? DBNull.Value);
        command.Parameters.AddWithValue("$by", placement.By.ToString().ToLowerInvariant());
    }

    private static void Bind(SqliteCommand command, FileKey file)
    {
        command.Parameters.AddWithValue("$s", file.SourceId);
        command.Parameters.AddWithValue("$p", file.Path);
        command.Parameters.AddWithValue("$z", file.Size);
        command.Parameters.AddWithValue("$m", file.ModifiedTicks);
    }
}
