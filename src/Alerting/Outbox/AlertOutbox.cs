namespace EdgeAgent.Alerting.Outbox;

using System.Text.Json;
using EdgeAgent.Alerting.Rules;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

/// <summary>
/// The durable outbox: an alert is committed to SQLite (WAL, synchronous=FULL) before any send is
/// tried, one row per channel, and leaves only as sent or as failed after its attempts. A crash at
/// any point leaves rows pending or sending; sending rows go back to pending at the next start, so
/// delivery is at least once. Alert ids are derived from what the alert is about, and the outbox
/// keeps one row per id and channel: an alert raised again after a crash is the same alert, and a
/// receiver recognises a resend by its id. The table lives in the agent's one database, so the
/// write stage commits a picture's records and its alerts together (<see cref="OutboxTable.Insert"/>).
/// This is the store the dispatchers work on; the page reads through <see cref="OutboxQueries"/>.
/// </summary>
public sealed class AlertOutbox : IAsyncDisposable
{
    private readonly SqliteConnection _connection;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly TimeProvider _time;

    /// <summary>Opens (and creates) the outbox table in the agent's database.</summary>
    public AlertOutbox(IOptions<DatabaseOptions> options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        _time = time;
        _connection = SqliteFile.Open(Path.GetFullPath(options.Value.Path), "FULL", OutboxTable.Schema, "Database:Path", options.Value.LockTimeout);
        OutboxTable.Migrate(_connection);
    }

    /// <summary>Wakes a channel's dispatcher when its alerts are committed.</summary>
    public OutboxSignal Signal { get; } = new();

    /// <summary>Commits an alert for each channel; returns once it is on disk.</summary>
    public async Task EnqueueAsync(Alert alert, IReadOnlyCollection<string> channels, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(alert);
        ArgumentNullException.ThrowIfNull(channels);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var transaction = _connection.BeginTransaction();
            OutboxTable.Insert(transaction, alert, channels, _time.GetUtcNow());
            transaction.Commit();
        }
        finally
        {
            _gate.Release();
        }

        Signal.AlertsCommitted(channels);
    }

    /// <summary>Alerts raised since <paramref name="since"/>, one per id, oldest first: the cooldowns a restart must remember.</summary>
    public IReadOnlyList<Alert> RaisedSince(DateTimeOffset since)
    {
        _gate.Wait();
        try
        {
            using var select = _connection.Command("SELECT alert FROM outbox WHERE created_at >= $since GROUP BY id ORDER BY MIN(created_at), MIN(rowid)");
            select.Parameters.AddWithValue("$since", since.ToUnixTimeMilliseconds());
            return select.Rows(r => JsonSerializer.Deserialize<Alert>(r.GetString(0), OutboxTable.Json)!);
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
            using var select = _connection.Command($"""
                SELECT {OutboxTable.Columns}
                FROM outbox WHERE channel = $channel AND state = 'pending' AND next_attempt_at <= $now
                ORDER BY created_at, rowid LIMIT $limit
                """, transaction);
            select.Parameters.AddWithValue("$channel", channel);
            select.Parameters.AddWithValue("$now", now);
            select.Parameters.AddWithValue("$limit", limit);
            var entries = OutboxTable.Read(select);
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

        Signal.AlertsCommitted([channel]);
        return true;
    }

    /// <summary>Every entry, oldest first (for status and tests).</summary>
    public async Task<IReadOnlyList<OutboxEntry>> ListAsync()
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            using var select = _connection.Command($"SELECT {OutboxTable.Columns} FROM outbox ORDER BY created_at, rowid");
            return OutboxTable.Read(select);
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

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _connection.DisposeAsync().ConfigureAwait(false);
        _gate.Dispose();
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
}
