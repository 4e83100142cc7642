namespace EdgeAgent.Recording;

using EdgeAgent.Alerting;
using EdgeAgent.Alerting.Observations;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

/// <summary>A camera-trap file as the ledger knows it: the same path with another size or time is another picture.</summary>
public readonly record struct FileKey(string SourceId, string Path, long Size, long ModifiedTicks);

/// <summary>
/// The record of what the agent saw (SQLite, WAL): every detection with time, source, label,
/// category, confidence, box, position and picture, for biodiversity trends; and the ledger of
/// camera-trap files done. A file's detections and its ledger row are written in one transaction,
/// so after any crash a file is either fully recorded and done, or not at all: exactly once.
/// </summary>
public sealed class ObservationStore : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly Lock _lock = new();

    /// <summary>Opens or creates the database.</summary>
    public ObservationStore(IOptions<RecordingOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _connection = SqliteFile.Open(options.Value.DatabasePath, "NORMAL", """
            CREATE TABLE IF NOT EXISTS detections (
                id INTEGER PRIMARY KEY,
                source_id TEXT NOT NULL,
                captured_at TEXT NOT NULL,
                label TEXT NOT NULL,
                category TEXT NOT NULL,
                confidence REAL NOT NULL,
                x REAL NOT NULL, y REAL NOT NULL, width REAL NOT NULL, height REAL NOT NULL,
                latitude REAL, longitude REAL,
                picture TEXT,
                alert_id TEXT);
            CREATE INDEX IF NOT EXISTS detections_by_day ON detections (substr(captured_at, 1, 10), label);
            CREATE TABLE IF NOT EXISTS files_done (
                source_id TEXT NOT NULL,
                path TEXT NOT NULL,
                size INTEGER NOT NULL,
                modified_ticks INTEGER NOT NULL,
                done_at TEXT NOT NULL,
                detections INTEGER NOT NULL,
                failure TEXT,
                PRIMARY KEY (source_id, path, size, modified_ticks));
            """, "Recording:DatabasePath");
    }

    /// <summary>Whether a camera-trap file was already done.</summary>
    public bool IsDone(FileKey file)
    {
        lock (_lock)
        {
            using var select = _connection.Command("SELECT 1 FROM files_done WHERE source_id = $s AND path = $p AND size = $z AND modified_ticks = $m");
            Bind(select, file);
            return select.ExecuteScalar() is not null;
        }
    }

    /// <summary>Records a picture's detections (with the alert each raised, if any) and, for a file, marks it done, atomically.</summary>
    public void Record(
        string sourceId, DateTimeOffset capturedAt, GeoPosition? position, IReadOnlyList<(Detection Detection, string? AlertId)> detections,
        string? picture, FileKey? file = null, string? failure = null)
    {
        ArgumentNullException.ThrowIfNull(detections);
        lock (_lock)
        {
            using var transaction = _connection.BeginTransaction();
            foreach (var (d, alertId) in detections)
            {
                using var insert = _connection.Command("""
                    INSERT INTO detections (source_id, captured_at, label, category, confidence, x, y, width, height, latitude, longitude, picture, alert_id)
                    VALUES ($source, $at, $label, $category, $confidence, $x, $y, $w, $h, $lat, $lon, $picture, $alert)
                    """, transaction);
                insert.Parameters.AddWithValue("$source", sourceId);
                insert.Parameters.AddWithValue("$at", capturedAt.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
                insert.Parameters.AddWithValue("$label", d.Label);
                insert.Parameters.AddWithValue("$category", d.Category.Name());
                insert.Parameters.AddWithValue("$confidence", d.Confidence);
                insert.Parameters.AddWithValue("$x", d.Box.X);
                insert.Parameters.AddWithValue("$y", d.Box.Y);
                insert.Parameters.AddWithValue("$w", d.Box.Width);
                insert.Parameters.AddWithValue("$h", d.Box.Height);
                insert.Parameters.AddWithValue("$lat", (object?)position?.Latitude ?? DBNull.Value);
                insert.Parameters.AddWithValue("$lon", (object?)position?.Longitude ?? DBNull.Value);
                insert.Parameters.AddWithValue("$picture", (object?)picture ?? DBNull.Value);
                insert.Parameters.AddWithValue("$alert", (object?)alertId ?? DBNull.Value);
                insert.ExecuteNonQuery();
            }

            if (file is { } key)
            {
                using var done = _connection.Command("""
                    INSERT OR REPLACE INTO files_done (source_id, path, size, modified_ticks, done_at, detections, failure)
                    VALUES ($s, $p, $z, $m, $now, $count, $failure)
                    """, transaction);
                Bind(done, key);
                done.Parameters.AddWithValue("$now", DateTime.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
                done.Parameters.AddWithValue("$count", detections.Count);
                done.Parameters.AddWithValue("$failure", (object?)failure ?? DBNull.Value);
                done.ExecuteNonQuery();
            }

            transaction.Commit();
        }
    }

    /// <summary>Detections per day, category and label: the biodiversity trend.</summary>
    public IReadOnlyList<(string Day, string Category, string Label, int Count)> CountsPerDay()
    {
        lock (_lock)
        {
            using var select = _connection.Command("SELECT substr(captured_at, 1, 10), category, label, COUNT(*) FROM detections GROUP BY 1, 2, 3 ORDER BY 1, 2, 3");
            using var reader = select.ExecuteReader();
            var rows = new List<(string, string, string, int)>();
            while (reader.Read())
            {
                rows.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetInt32(3)));
            }

            return rows;
        }
    }

    /// <inheritdoc />
    public void Dispose() => _connection.Dispose();

    private static void Bind(SqliteCommand command, FileKey file)
    {
        command.Parameters.AddWithValue("$s", file.SourceId);
        command.Parameters.AddWithValue("$p", file.Path);
        command.Parameters.AddWithValue("$z", file.Size);
        command.Parameters.AddWithValue("$m", file.ModifiedTicks);
    }

}
