namespace EdgeAgent.Sync;

using System.Globalization;
using Microsoft.Data.Sqlite;

/// <summary>A record waiting to travel: its place in the queue, its kind and its local row.</summary>
public readonly record struct QueuedRecord(long Seq, string Kind, long Row);

/// <summary>An alert picture waiting to travel, and since when.</summary>
public sealed record WaitingPicture(string AlertId, DateTimeOffset QueuedAt);

/// <summary>
/// The records waiting to travel, in the agent's own database. Triggers on the records' tables add a
/// row to <c>sync_queue</c> in the same transaction as every insert (and every update of what
/// changes: tracks, alert deliveries, verdicts), so nothing committed can be missed and the queue's
/// order is the commit order. A row leaves the queue only once the central server has it; an alert
/// the outbox would prune stays while it, or its picture, still waits.
/// </summary>
public sealed class SyncQueue : IDisposable
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS sync_queue (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            kind TEXT NOT NULL,
            row INTEGER NOT NULL,
            queued_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')));
        CREATE INDEX IF NOT EXISTS sync_queue_by_row ON sync_queue (kind, row);
        CREATE TABLE IF NOT EXISTS sync_pictures (
            alert_id TEXT PRIMARY KEY,
            queued_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')));
        CREATE TABLE IF NOT EXISTS sync_days (
            day TEXT PRIMARY KEY,
            picture_bytes INTEGER NOT NULL);
        """;

    private readonly SqliteConnection _connection;
    private readonly Lock _lock = new();

    /// <summary>Opens the queue in the agent's database (whose records' tables exist).</summary>
    public SyncQueue(string databasePath, TimeSpan lockTimeout)
    {
        _connection = SqliteFile.Open(databasePath, "FULL", Schema, "Database:Path", lockTimeout);
    }

    /// <summary>
    /// Starts queueing: the triggers, and — the first time, or after shipping was turned off — every
    /// record already in the database, in one transaction, so that none is missed or queued twice.
    /// </summary>
    /// <returns>How many records were queued now (0 when the triggers were already there).</returns>
    public long Install(bool pictures)
    {
        lock (_lock)
        {
            using var transaction = _connection.BeginTransaction();
            long queued = 0;
            if (!HasTrigger(transaction, "sync_file_insert"))
            {
                foreach (var table in SyncedTables.All)
                {
                    Execute(transaction, $"""
                        CREATE TRIGGER sync_{table.Kind}_insert AFTER INSERT ON {table.LocalTable}
                        BEGIN INSERT INTO sync_queue (kind, row) VALUES ('{table.Kind}', NEW.rowid); END
                        """);
                    if (table.Updates)
                    {
                        Execute(transaction, $"""
                            CREATE TRIGGER sync_{table.Kind}_update AFTER UPDATE ON {table.LocalTable}
                            BEGIN INSERT INTO sync_queue (kind, row) VALUES ('{table.Kind}', NEW.rowid); END
                            """);
                    }

                    queued += Execute(transaction, $"INSERT INTO sync_queue (kind, row) SELECT '{table.Kind}', rowid FROM {table.LocalTable} ORDER BY rowid");
                }

                // The outbox prunes delivered alerts after a while: not before the server has them.
                Execute(transaction, """
                    CREATE TRIGGER sync_keep_alert BEFORE DELETE ON outbox
                    WHEN EXISTS (SELECT 1 FROM sync_queue WHERE kind = 'alert' AND row = OLD.rowid) OR EXISTS (SELECT 1 FROM sync_pictures WHERE alert_id = OLD.id)
                    BEGIN SELECT RAISE(IGNORE); END
                    """);
            }

            var hasPictureTrigger = HasTrigger(transaction, "sync_picture_insert");
            if (pictures && !hasPictureTrigger)
            {
                Execute(transaction, """
                    CREATE TRIGGER sync_picture_insert AFTER INSERT ON outbox WHEN NEW.picture IS NOT NULL
                    BEGIN INSERT OR IGNORE INTO sync_pictures (alert_id) VALUES (NEW.id); END
                    """);
                Execute(transaction, "INSERT OR IGNORE INTO sync_pictures (alert_id) SELECT DISTINCT id FROM outbox WHERE picture IS NOT NULL");
            }
            else if (!pictures && hasPictureTrigger)
            {
                Execute(transaction, "DROP TRIGGER sync_picture_insert");
                Execute(transaction, "DELETE FROM sync_pictures");
            }

            transaction.Commit();
            return queued;
        }
    }

    /// <summary>Stops queueing (shipping turned off): the triggers and the queue go, and turning it on again queues every record anew.</summary>
    public void Uninstall()
    {
        lock (_lock)
        {
            using var transaction = _connection.BeginTransaction();
            foreach (var name in Triggers(transaction))
            {
                Execute(transaction, $"DROP TRIGGER {name}");
            }

            Execute(transaction, "DELETE FROM sync_queue; DELETE FROM sync_pictures");
            transaction.Commit();
        }
    }

    /// <summary>The oldest queued records, at most <paramref name="count"/>.</summary>
    public IReadOnlyList<QueuedRecord> Peek(int count)
    {
        lock (_lock)
        {
            using var select = _connection.Command("SELECT seq, kind, row FROM sync_queue ORDER BY seq LIMIT $n");
            select.Parameters.AddWithValue("$n", count);
            return select.Rows(r => new QueuedRecord(r.GetInt64(0), r.GetString(1), r.GetInt64(2)));
        }
    }

    /// <summary>
    /// The rows of the queued records of one table as they are now (one per row, however often it was
    /// queued), column by column in the table's order; a row gone since (a ledger row replaced) is left out.
    /// </summary>
    public IReadOnlyList<object?[]> Read(SyncedTable table, IEnumerable<long> rows)
    {
        var wanted = rows.Distinct().ToList();
        var result = new List<object?[]>(wanted.Count);
        lock (_lock)
        {
            foreach (var chunk in wanted.Chunk(500))
            {
                using var select = _connection.Command(
                    $"SELECT {string.Join(", ", table.Columns.Select(c => c.LocalExpression))} FROM {table.LocalTable} WHERE rowid IN ({string.Join(',', chunk)}) ORDER BY rowid");
                result.AddRange(select.Rows(r => Enumerable.Range(0, table.Columns.Length).Select(i => r.IsDBNull(i) ? null : r.GetValue(i)).ToArray()));
            }
        }

        return result;
    }

    /// <summary>The server has everything queued up to <paramref name="seq"/>: those entries go.</summary>
    public void Acknowledge(long seq)
    {
        lock (_lock)
        {
            using var delete = _connection.Command("DELETE FROM sync_queue WHERE seq <= $seq");
            delete.Parameters.AddWithValue("$seq", seq);
            delete.ExecuteNonQuery();
        }
    }

    /// <summary>How many records wait (after queue entry <paramref name="after"/>), since when the oldest, and how many alert pictures wait.</summary>
    public (long Records, DateTimeOffset? Oldest, long Pictures) Backlog(long after = 0)
    {
        lock (_lock)
        {
            using var select = _connection.Command(
                "SELECT (SELECT count(*) FROM sync_queue WHERE seq > $after), (SELECT min(queued_at) FROM sync_queue WHERE seq > $after), (SELECT count(*) FROM sync_pictures)");
            select.Parameters.AddWithValue("$after", after);
            using var reader = select.ExecuteReader();
            reader.Read();
            return (reader.GetInt64(0), reader.IsDBNull(1) ? null : RecordTime(reader.GetString(1)), reader.GetInt64(2));
        }
    }

    /// <summary>The alert pictures waiting to travel, oldest first.</summary>
    public IReadOnlyList<WaitingPicture> WaitingPictures(int limit = int.MaxValue)
    {
        lock (_lock)
        {
            using var select = _connection.Command("SELECT alert_id, queued_at FROM sync_pictures ORDER BY queued_at, alert_id LIMIT $n");
            select.Parameters.AddWithValue("$n", limit);
            return select.Rows(r => new WaitingPicture(r.GetString(0), RecordTime(r.GetString(1))));
        }
    }

    /// <summary>An alert's picture as the outbox keeps it; null when it has none (any more).</summary>
    public byte[]? Picture(string alertId)
    {
        lock (_lock)
        {
            using var select = _connection.Command("SELECT picture FROM outbox WHERE id = $id AND picture IS NOT NULL LIMIT 1");
            select.Parameters.AddWithValue("$id", alertId);
            return select.ExecuteScalar() as byte[];
        }
    }

    /// <summary>Picture bytes shipped on a UTC day.</summary>
    public long PictureBytesOn(DateOnly day)
    {
        lock (_lock)
        {
            using var select = _connection.Command("SELECT picture_bytes FROM sync_days WHERE day = $day");
            select.Parameters.AddWithValue("$day", day.ToString("O", CultureInfo.InvariantCulture));
            return select.ExecuteScalar() is long bytes ? bytes : 0;
        }
    }

    /// <summary>The server has an alert's picture (<paramref name="bytes"/> of it travelled on <paramref name="day"/>; 0 when there was none to send).</summary>
    public void PictureShipped(string alertId, DateOnly day, long bytes)
    {
        lock (_lock)
        {
            using var transaction = _connection.BeginTransaction();
            using var done = _connection.Command("DELETE FROM sync_pictures WHERE alert_id = $id", transaction);
            done.Parameters.AddWithValue("$id", alertId);
            done.ExecuteNonQuery();
            using var count = _connection.Command(
                "INSERT INTO sync_days (day, picture_bytes) VALUES ($day, $bytes) ON CONFLICT (day) DO UPDATE SET picture_bytes = picture_bytes + excluded.picture_bytes",
                transaction);
            count.Parameters.AddWithValue("$day", day.ToString("O", CultureInfo.InvariantCulture));
            count.Parameters.AddWithValue("$bytes", bytes);
            count.ExecuteNonQuery();
            transaction.Commit();
        }
    }

    /// <inheritdoc />
    public void Dispose() => _connection.Dispose();

    private static DateTimeOffset RecordTime(string text) => Recording.RecordSchema.Time(text);

    private static bool HasTrigger(SqliteTransaction transaction, string name)
    {
        using var select = transaction.Connection!.Command("SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = $name", transaction);
        select.Parameters.AddWithValue("$name", name);
        return select.ExecuteScalar() is not null;
    }

    private static List<string> Triggers(SqliteTransaction transaction)
    {
        using var select = transaction.Connection!.Command("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'sync\\_%' ESCAPE '\\'", transaction);
        return select.Rows(r => r.GetString(0));
    }

    private static int Execute(SqliteTransaction transaction, string sql)
    {
        using var command = transaction.Connection!.Command(sql, transaction);
        return command.ExecuteNonQuery();
    }
}
