namespace EdgeAgent.Alerting.Outbox;

using System.Text.Json;
using EdgeAgent.Alerting.Rules;
using EdgeAgent.Common;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

/// <summary>Where an entry is on its way out.</summary>
public enum OutboxState
{
    Pending,
    Sending,
    Sent,
    Failed,
}

/// <summary>One alert on one channel, as stored.</summary>
public sealed record OutboxEntry(
    string Id, string Channel, OutboxState State, int Attempts, DateTimeOffset NextAttemptAt, string? LastError, DateTimeOffset CreatedAt, DateTimeOffset? SentAt, Alert Alert,
    string? Reply = null);

/// <summary>
/// The durable outbox: an alert is committed to SQLite (WAL, synchronous=FULL) before any send is
/// tried, one row per channel, and leaves only as sent or as failed after its attempts. A crash at
/// any point leaves rows pending or sending; sending rows go back to pending at the next start, so
/// delivery is at least once. Alert ids are derived from what the alert is about, and the outbox
/// keeps one row per id and channel: an alert raised again after a crash is the same alert, and a
/// receiver recognises a resend by its id. The table lives in the agent's one database, so the
/// write stage commits a picture's records and its alerts together (<see cref="Insert"/>).
/// </summary>
public sealed class AlertOutbox : IAsyncDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly SqliteConnection _connection;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<string, SemaphoreSlim> _wakeUps = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;

    /// <summary>Opens (and creates) the outbox table in the agent's database.</summary>
    public AlertOutbox(IOptions<DatabaseOptions> options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        _time = time;
        Path = System.IO.Path.GetFullPath(options.Value.Path);
        _connection = SqliteFile.Open(Path, "FULL", Schema, "Database:Path", options.Value.LockTimeout);

        // Databases of earlier versions lack the server's reply to a delivery.
        _connection.AddColumnIfMissing("outbox", "reply", "TEXT");
    }

    /// <summary>The outbox's table; whoever opens the database to write alerts applies it.</summary>
    public static string Schema => """
            CREATE TABLE IF NOT EXISTS outbox (
                id TEXT NOT NULL,
                channel TEXT NOT NULL,
                state TEXT NOT NULL,
                attempts INTEGER NOT NULL DEFAULT 0,
                next_attempt_at INTEGER NOT NULL,
                last_error TEXT,
                created_at INTEGER NOT NULL,
                sent_at INTEGER,
                alert TEXT NOT NULL,
                picture BLOB,
                reply TEXT,
                PRIMARY KEY (id, channel));
            CREATE INDEX IF NOT EXISTS outbox_due ON outbox (channel, state, next_attempt_at);
            """;

    /// <summary>The database file.</summary>
    public string Path { get; }

    /// <summary>Commits an alert for each channel; returns once it is on disk.</summary>
    public async Task EnqueueAsync(Alert alert, IReadOnlyCollection<string> channels, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(alert);
        ArgumentNullException.ThrowIfNull(channels);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var transaction = _connection.BeginTransaction();
            Insert(transaction, alert, channels, _time.GetUtcNow());
            transaction.Commit();
        }
        finally
        {
            _gate.Release();
        }

        AlertsCommitted(channels);
    }

    /// <summary>
    /// Adds an alert's rows, one per channel, to a transaction of the agent's database; a row with
    /// the same alert id and channel is kept as it is. Call <see cref="AlertsCommitted"/> after the commit.
    /// </summary>
    /// <returns>Whether the alert is new (false: it was already there, raised before a crash).</returns>
    public static bool Insert(SqliteTransaction transaction, Alert alert, IEnumerable<string> channels, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        ArgumentNullException.ThrowIfNull(alert);
        ArgumentNullException.ThrowIfNull(channels);
        var json = JsonSerializer.Serialize(alert with { Observation = alert.Observation with { Picture = null } }, Json);
        var added = 0;
        foreach (var channel in channels)
        {
            using var insert = transaction.Connection!.Command("""
                INSERT OR IGNORE INTO outbox (id, channel, state, attempts, next_attempt_at, created_at, alert, picture)
                VALUES ($id, $channel, 'pending', 0, $now, $now, $alert, $picture)
                """, transaction);
            insert.Parameters.AddWithValue("$id", alert.Id);
            insert.Parameters.AddWithValue("$channel", channel);
            insert.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
            insert.Parameters.AddWithValue("$alert", json);
            insert.Parameters.AddWithValue("$picture", (object?)alert.Observation.Picture ?? DBNull.Value);
            added += insert.ExecuteNonQuery();
        }

        return added > 0;
    }

    /// <summary>Wakes the dispatchers of the channels whose alerts were just committed.</summary>
    public void AlertsCommitted(IEnumerable<string> channels)
    {
        ArgumentNullException.ThrowIfNull(channels);
        foreach (var channel in channels)
        {
            WakeUp(channel);
        }
    }

    /// <summary>Alerts raised since <paramref name="since"/>, one per id, oldest first: the cooldowns a restart must remember.</summary>
    public IReadOnlyList<Alert> RaisedSince(DateTimeOffset since)
    {
        _gate.Wait();
        try
        {
            using var select = _connection.Command("SELECT alert FROM outbox WHERE created_at >= $since GROUP BY id ORDER BY MIN(created_at), MIN(rowid)");
            select.Parameters.AddWithValue("$since", since.ToUnixTimeMilliseconds());
            using var reader = select.ExecuteReader();
            var alerts = new List<Alert>();
            while (reader.Read())
            {
                alerts.Add(JsonSerializer.Deserialize<Alert>(reader.GetString(0), Json)!);
            }

            return alerts;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Takes up to <paramref name="limit"/> due entries of a channel, marking them sending and counting the attempt.</summary>
    public async Task<IReadOnlyList<OutboxEntry>> ClaimDueAsync(string channel, int limit, CancellationToken cancellationToken = default)
    {
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var transaction = _connection.BeginTransaction();
            using var select = _connection.Command("""
                SELECT id, channel, state, attempts, next_attempt_at, last_error, created_at, sent_at, alert, picture
                FROM outbox WHERE channel = $channel AND state = 'pending' AND next_attempt_at <= $now
                ORDER BY created_at, rowid LIMIT $limit
                """, transaction);
            select.Parameters.AddWithValue("$channel", channel);
            select.Parameters.AddWithValue("$now", now);
            select.Parameters.AddWithValue("$limit", limit);
            var entries = Read(select);
            foreach (var entry in entries)
            {
                using var update = _connection.Command("UPDATE outbox SET state = 'sending', attempts = attempts + 1 WHERE id = $id AND channel = $channel", transaction);
                update.Parameters.AddWithValue("$id", entry.Id);
                update.Parameters.AddWithValue("$channel", channel);
                update.ExecuteNonQuery();
            }

            transaction.Commit();
            return entries.Select(e => e with { State = OutboxState.Sending, Attempts = e.Attempts + 1 }).ToList();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Records a delivery with the server's reply.</summary>
    public Task MarkSentAsync(OutboxEntry entry, string? reply = null) => UpdateAsync(entry, "state = 'sent', sent_at = $now, last_error = NULL, reply = $error", reply, null);

    /// <summary>Records a failed attempt; the entry is tried again at <paramref name="nextAttemptAt"/>.</summary>
    public Task MarkRetryAsync(OutboxEntry entry, string error, DateTimeOffset nextAttemptAt) =>
        UpdateAsync(entry, "state = 'pending', last_error = $error, next_attempt_at = $next", error, nextAttemptAt);

    /// <summary>Gives up on an entry after its last attempt, keeping the reason.</summary>
    public Task MarkFailedAsync(OutboxEntry entry, string error) => UpdateAsync(entry, "state = 'failed', last_error = $error", error, null);

    /// <summary>
    /// Entries left sending — by a crash, or (<paramref name="channel"/> given) by a database error
    /// while the channel's sender is between attempts — go back to pending; returns how many.
    /// </summary>
    public async Task<int> RecoverInterruptedAsync(string? channel = null)
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            using var command = _connection.Command("UPDATE outbox SET state = 'pending' WHERE state = 'sending' AND ($channel IS NULL OR channel = $channel)");
            command.Parameters.AddWithValue("$channel", (object?)channel ?? DBNull.Value);
            return command.ExecuteNonQuery();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Deletes alerts sent on every channel and stored before <paramref name="before"/>; returns how many rows went.</summary>
    public async Task<int> PruneSentAsync(DateTimeOffset before, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var delete = _connection.Command("""
                DELETE FROM outbox WHERE created_at < $before AND id NOT IN (SELECT id FROM outbox WHERE state <> 'sent')
                """);
            delete.Parameters.AddWithValue("$before", before.ToUnixTimeMilliseconds());
            return delete.ExecuteNonQuery();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>When the oldest alert still waiting to go out (pending or sending) was stored, or null when none waits.</summary>
    public async Task<DateTimeOffset?> OldestWaitingAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var select = _connection.Command("SELECT MIN(created_at) FROM outbox WHERE state IN ('pending', 'sending')");
            return select.ExecuteScalar() is long ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// The rows of the latest <paramref name="count"/> alerts, newest first, without their pictures
    /// (for the station page); read on a connection of its own, so a page never waits for a delivery.
    /// </summary>
    public IReadOnlyList<OutboxEntry> Latest(int count)
    {
        using var connection = SqliteFile.OpenReadOnly(Path);
        using var select = connection.Command("""
            SELECT o.id, o.channel, o.state, o.attempts, o.next_attempt_at, o.last_error, o.created_at, o.sent_at, o.alert, NULL, o.reply
            FROM outbox o JOIN (SELECT id, MAX(created_at) AS at FROM outbox GROUP BY id ORDER BY at DESC LIMIT $count) latest ON latest.id = o.id
            ORDER BY latest.at DESC, o.id, o.channel
            """);
        select.Parameters.AddWithValue("$count", count);
        return Read(select);
    }

    /// <summary>An alert's annotated picture, or null.</summary>
    public byte[]? Picture(string id)
    {
        using var connection = SqliteFile.OpenReadOnly(Path);
        using var select = connection.Command("SELECT picture FROM outbox WHERE id = $id AND picture IS NOT NULL LIMIT 1");
        select.Parameters.AddWithValue("$id", id);
        return select.ExecuteScalar() as byte[];
    }

    /// <summary>Puts a failed delivery back in the queue with fresh attempts (a person asked for it); false when it was not failed.</summary>
    public async Task<bool> RetryAsync(string id, string channel)
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            using var update = _connection.Command("UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_at = $now WHERE id = $id AND channel = $channel AND state = 'failed'");
            update.Parameters.AddWithValue("$id", id);
            update.Parameters.AddWithValue("$channel", channel);
            update.Parameters.AddWithValue("$now", _time.GetUtcNow().ToUnixTimeMilliseconds());
            if (update.ExecuteNonQuery() == 0)
            {
                return false;
            }
        }
        finally
        {
            _gate.Release();
        }

        WakeUp(channel);
        return true;
    }

    /// <summary>Every entry, oldest first (for status and tests).</summary>
    public async Task<IReadOnlyList<OutboxEntry>> ListAsync()
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            using var select = _connection.Command("SELECT id, channel, state, attempts, next_attempt_at, last_error, created_at, sent_at, alert, picture, reply FROM outbox ORDER BY created_at, rowid");
            return Read(select);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>When the next pending entry of a channel is due, or null when none is pending.</summary>
    public async Task<DateTimeOffset?> NextDueAsync(string channel, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var select = _connection.Command("SELECT MIN(next_attempt_at) FROM outbox WHERE channel = $channel AND state = 'pending'");
            select.Parameters.AddWithValue("$channel", channel);
            return select.ExecuteScalar() is long ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Waits until an alert is enqueued for the channel, or the timeout passes.</summary>
    public async Task WaitForWorkAsync(string channel, TimeSpan timeout, CancellationToken cancellationToken)
    {
        SemaphoreSlim signal;
        lock (_wakeUps)
        {
            signal = WakeUpSignal(channel);
        }

        await signal.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _connection.DisposeAsync().ConfigureAwait(false);
        _gate.Dispose();
    }

    private void WakeUp(string channel)
    {
        lock (_wakeUps)
        {
            var signal = WakeUpSignal(channel);
            if (signal.CurrentCount == 0)
            {
                signal.Release();
            }
        }
    }

    private SemaphoreSlim WakeUpSignal(string channel)
    {
        if (!_wakeUps.TryGetValue(channel, out var signal))
        {
            signal = new SemaphoreSlim(0, 1);
            _wakeUps[channel] = signal;
        }

        return signal;
    }

    private async Task UpdateAsync(OutboxEntry entry, string set, string? error, DateTimeOffset? next)
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            using var update = _connection.Command($"UPDATE outbox SET {set} WHERE id = $id AND channel = $channel");
            update.Parameters.AddWithValue("$id", entry.Id);
            update.Parameters.AddWithValue("$channel", entry.Channel);
            update.Parameters.AddWithValue("$now", _time.GetUtcNow().ToUnixTimeMilliseconds());
            update.Parameters.AddWithValue("$error", (object?)error ?? DBNull.Value);
            update.Parameters.AddWithValue("$next", next?.ToUnixTimeMilliseconds() ?? 0L);
            update.ExecuteNonQuery();
        }
        finally
        {
            _gate.Release();
        }
    }

    private static List<OutboxEntry> Read(SqliteCommand select)
    {
        var entries = new List<OutboxEntry>();
        using var reader = select.ExecuteReader();
        while (reader.Read())
        {
            var alert = JsonSerializer.Deserialize<Alert>(reader.GetString(8), Json)!;
            var picture = reader.IsDBNull(9) ? null : (byte[])reader[9];
            entries.Add(new OutboxEntry(
                reader.GetString(0),
                reader.GetString(1),
                Enum.Parse<OutboxState>(reader.GetString(2), ignoreCase: true),
                reader.GetInt32(3),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4)),
                reader.IsDBNull(5) ? null : reader.GetString(5),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(6)),
                reader.IsDBNull(7) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(7)),
                alert with { Observation = alert.Observation with { Picture = picture } },
                reader.FieldCount > 10 && !reader.IsDBNull(10) ? reader.GetString(10) : null));
        }

        return entries;
    }

}
