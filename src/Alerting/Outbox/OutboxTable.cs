namespace EdgeAgent.Alerting.Outbox;

using System.Text.Json;
using EdgeAgent.Alerting.Rules;
using Microsoft.Data.Sqlite;

/// <summary>
/// The outbox's table in the agent's one database: its schema, how an alert becomes rows (one per
/// channel) and how rows become entries again. The store, the read-only queries and the write stage
/// (which commits a picture's records and its alerts in one transaction) all go through it.
/// </summary>
public static class OutboxTable
{
    /// <summary>The columns <see cref="Read"/> expects, in its order (the picture may be selected as NULL).</summary>
    public const string Columns = "id, channel, state, attempts, next_attempt_at, last_error, created_at, sent_at, alert, picture, reply";

    /// <summary>The alert as stored: its picture in a column of its own, not in the JSON.</summary>
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The table; whoever opens the database to write alerts applies it.</summary>
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

    /// <summary>Brings a database of an earlier version up to the schema (it lacked the server's reply to a delivery).</summary>
    public static void Migrate(SqliteConnection connection) => connection.AddColumnIfMissing("outbox", "reply", "TEXT");

    /// <summary>
    /// Adds an alert's rows, one per channel, to a transaction of the agent's database; a row with
    /// the same alert id and channel is kept as it is. Signal the channels after the commit
    /// (<see cref="OutboxSignal.AlertsCommitted"/>).
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

    /// <summary>The entries a query selecting <see cref="Columns"/> returns.</summary>
    public static List<OutboxEntry> Read(SqliteCommand select)
    {
        ArgumentNullException.ThrowIfNull(select);
        return select.Rows(reader =>
        {
            var alert = JsonSerializer.Deserialize<Alert>(reader.GetString(8), Json)!;
            var picture = reader.IsDBNull(9) ? null : (byte[])reader[9];
            return new OutboxEntry(
                reader.GetString(0),
                reader.GetString(1),
                Enum.Parse<OutboxState>(reader.GetString(2), ignoreCase: true),
                reader.GetInt32(3),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4)),
                reader.StringOrNull(5),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(6)),
                reader.IsDBNull(7) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(7)),
                alert with { Observation = alert.Observation with { Picture = picture } },
                reader.StringOrNull(10));
        });
    }
}
