namespace EdgeAgent.Recording;

using EdgeAgent.Alerting.Outbox;
using EdgeAgent.Common.Observations;
using EdgeAgent.Sources;
using Microsoft.Data.Sqlite;

/// <summary>
/// The records' write store, in the agent's one SQLite database (WAL, synchronous=FULL), beside the
/// outbox: camera-trap detections with time, source, label, category, confidence, box and position;
/// video tracks (first and last seen, frames, best confidence and its picture); and the ledger of
/// camera-trap files done (tables: <see cref="RecordSchema"/>; read side: <see cref="RecordQueries"/>). <see cref="Write"/> commits a batch of frames — ledger rows,
/// records and alerts — in one transaction, so after any crash a picture is either fully done or not
/// at all, and an alert is never stored without the record that raised it.
/// </summary>
public sealed class RecordDatabase : IPictureLedger, IRecordingLedger, IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly Lock _lock = new();

    // Look-ups have a connection of their own: in WAL mode they read while a commit (and its fsync) is under way.
    private readonly SqliteConnection _reader;
    private readonly Lock _readerLock = new();

    private long _version;

    /// <summary>The database file.</summary>
    public string Path { get; }

    /// <summary>Grows with every commit: whoever shows the records knows when to read them again.</summary>
    public long Version => Interlocked.Read(ref _version);

    /// <summary>Opens or creates the database with the record's and the outbox's tables.</summary>
    public RecordDatabase(IOptions<DatabaseOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Path = System.IO.Path.GetFullPath(options.Value.Path);
        _connection = SqliteFile.Open(options.Value.Path, "FULL", RecordSchema.Tables + OutboxTable.Schema, "Database:Path", options.Value.LockTimeout);
        RecordSchema.Migrate(_connection);
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
                        INSERT OR REPLACE INTO files_done (source_id, path, size, modified_ticks, done_at, detections, failure, captured_at, width, height, camera_time, timestamp_issue)
                        VALUES ($s, $p, $z, $m, $now, $count, $failure, $captured, $width, $height, $cameraTime, $issue)
                        """, transaction);
                    Bind(done, file);
                    done.Parameters.AddWithValue("$captured", Text(record.Frame.CapturedAt));
                    done.Parameters.AddWithValue("$width", record.Frame.Width);
                    done.Parameters.AddWithValue("$height", record.Frame.Height);
                    done.Parameters.AddWithValue("$now", Text(now));
                    done.Parameters.AddWithValue("$count", record.Detections.Count);
                    done.Parameters.AddWithValue("$failure", (object?)record.Failure ?? DBNull.Value);
                    done.Parameters.AddWithValue("$cameraTime", record.Frame.Clock?.CameraTime is { } said ? Text(said) : DBNull.Value);
                    done.Parameters.AddWithValue("$issue", (object?)record.Frame.Clock?.Issue ?? DBNull.Value);
                    done.ExecuteNonQuery();
                }

                if (record.Frame.Recording is { } place)
                {
                    // With the frame's records: a read stopped after this commit goes on after this frame.
                    using var read = _connection.Command("""
                        INSERT INTO recordings_read (source_id, path, size, modified_ticks, began_at, read_to_ms) VALUES ($s, $p, $z, $m, $began, $to)
                        ON CONFLICT (source_id, path, size, modified_ticks) DO UPDATE SET read_to_ms = max(read_to_ms, excluded.read_to_ms)
                        """, transaction);
                    Bind(read, place.File);
                    read.Parameters.AddWithValue("$began", Text(place.Began));
                    read.Parameters.AddWithValue("$to", (long)place.VideoTime.TotalMilliseconds);
                    read.ExecuteNonQuery();
                }

                foreach (var alert in record.Alerts)
                {
                    alerts[alert.Id] = alerts.GetValueOrDefault(alert.Id) || channels.Count == 0 || OutboxTable.Insert(transaction, alert, channels, now);
                }
            }

            transaction.Commit();
            Interlocked.Increment(ref _version);
        }

        return alerts;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _reader.Dispose();
        _connection.Dispose();
    }

    private static string Text(DateTimeOffset at) => RecordSchema.Text(at);

    private void InsertDetection(SqliteTransaction transaction, FrameRecord record, PlacedDetection placed)
    {
        var d = placed.Detection;
        using var insert = _connection.Command("""
            INSERT INTO detections (source_id, captured_at, label, category, confidence, x, y, width, height,
                latitude, longitude, uncertainty_m, placed_by, picture, alert_id, track_id, file_path, taxon, taxon_score, taxon_method, taxon_top)
            VALUES ($source, $at, $label, $category, $confidence, $x, $y, $w, $h, $lat, $lon, $uncertainty, $by, $picture, $alert, $track, $file,
                $taxon, $taxonScore, $taxonMethod, $taxonTop)
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
        AddTaxon(insert, d.Taxon);
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

    /// <inheritdoc />
    public DateTimeOffset? ReadAt(FileKey file)
    {
        lock (_readerLock)
        {
            using var select = _reader.Command("SELECT done_at FROM recordings_done WHERE source_id = $s AND path = $p AND size = $z AND modified_ticks = $m");
            Bind(select, file);
            return select.ExecuteScalar() is string at ? RecordSchema.Time(at) : null;
        }
    }

    /// <inheritdoc />
    public void Read(FileKey file, DateTimeOffset at)
    {
        lock (_lock)
        {
            using var insert = _connection.Command("INSERT OR REPLACE INTO recordings_done (source_id, path, size, modified_ticks, done_at) VALUES ($s, $p, $z, $m, $at)");
            Bind(insert, file);
            insert.Parameters.AddWithValue("$at", Text(at));
            try
            {
                insert.ExecuteNonQuery();
            }
            catch (SqliteException e)
            {
                throw new IOException($"{Path}: {e.Message}", e);
            }
        }
    }

    /// <inheritdoc />
    public RecordingPlace? ReadTo(FileKey file)
    {
        lock (_readerLock)
        {
            using var select = _reader.Command("SELECT began_at, read_to_ms FROM recordings_read WHERE source_id = $s AND path = $p AND size = $z AND modified_ticks = $m");
            Bind(select, file);
            using var row = select.ExecuteReader();
            return row.Read() ? new RecordingPlace(file, TimeSpan.FromMilliseconds(row.GetInt64(1)), RecordSchema.Time(row.GetString(0))) : null;
        }
    }

    /// <summary>Records that a source changed state (up, reconnecting, failed, stopped, ended), for the report's downtime.</summary>
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
                x, y, width, height, latitude, longitude, uncertainty_m, placed_by, snapshot, alert_id, flight_started, taxon, taxon_score, taxon_method, taxon_top)
            VALUES ($source, $track, $label, $category, $first, $at, 1, $confidence, $x, $y, $w, $h, $lat, $lon, $uncertainty, $by, $snapshot, $alert, $flight,
                $taxon, $taxonScore, $taxonMethod, $taxonTop)
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
                alert_id = COALESCE(alert_id, excluded.alert_id),
                taxon = COALESCE(excluded.taxon, taxon),
                taxon_score = COALESCE(excluded.taxon_score, taxon_score),
                taxon_method = COALESCE(excluded.taxon_method, taxon_method),
                taxon_top = COALESCE(excluded.taxon_top, taxon_top)
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
        upsert.Parameters.AddWithValue("$flight", sighting.Flight is { } flight ? Text(flight) : DBNull.Value);

        // The track's taxon is the vote of its frames so far, not this frame's answer.
        AddTaxon(upsert, sighting.Taxon ?? d.Taxon);
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

    private static void AddTaxon(SqliteCommand command, Classification? named)
    {
        command.Parameters.AddWithValue("$taxon", (object?)named?.Taxon.Description ?? DBNull.Value);
        command.Parameters.AddWithValue("$taxonScore", (object?)named?.Score ?? DBNull.Value);
        command.Parameters.AddWithValue("$taxonMethod", (object?)named?.Method ?? DBNull.Value);
        command.Parameters.AddWithValue("$taxonTop", named is { Top.Count: > 0 } ? RecordSchema.TopClasses(named.Top) : DBNull.Value);
    }

    private static void Bind(SqliteCommand command, FileKey file)
    {
        command.Parameters.AddWithValue("$s", file.SourceId);
        command.Parameters.AddWithValue("$p", file.Path);
        command.Parameters.AddWithValue("$z", file.Size);
        command.Parameters.AddWithValue("$m", file.ModifiedTicks);
    }
}
