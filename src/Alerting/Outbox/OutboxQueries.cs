namespace EdgeAgent.Alerting.Outbox;

using System.Text.Json;
using EdgeAgent.Alerting.Rules;
using Microsoft.Extensions.Options;

/// <summary>
/// What the station page reads of the outbox, each query on a read-only connection of its own, so a
/// page never waits for a delivery and can never change a row.
/// </summary>
public sealed class OutboxQueries(IOptions<DatabaseOptions> options)
{
    private readonly string _path = Path.GetFullPath(options.Value.Path);

    /// <summary>The rows of the latest <paramref name="count"/> alerts, newest first, without their pictures.</summary>
    public IReadOnlyList<OutboxEntry> Latest(int count)
    {
        using var connection = SqliteFile.OpenReadOnly(_path);
        using var select = connection.Command("""
            SELECT o.id, o.channel, o.state, o.attempts, o.next_attempt_at, o.last_error, o.created_at, o.sent_at, o.alert, NULL, o.reply
            FROM outbox o JOIN (SELECT id, MAX(created_at) AS at FROM outbox GROUP BY id ORDER BY at DESC LIMIT $count) latest ON latest.id = o.id
            ORDER BY latest.at DESC, o.id, o.channel
            """);
        select.Parameters.AddWithValue("$count", count);
        return OutboxTable.Read(select);
    }

    /// <summary>An alert by its id (without its picture), or null when there is none.</summary>
    public Alert? Find(string id)
    {
        using var connection = SqliteFile.OpenReadOnly(_path);
        using var select = connection.Command("SELECT alert FROM outbox WHERE id = $id LIMIT 1");
        select.Parameters.AddWithValue("$id", id);
        return select.ExecuteScalar() is string json ? JsonSerializer.Deserialize<Alert>(json, OutboxTable.Json) : null;
    }

    /// <summary>An alert's annotated picture, or null.</summary>
    public byte[]? Picture(string id)
    {
        using var connection = SqliteFile.OpenReadOnly(_path);
        using var select = connection.Command("SELECT picture FROM outbox WHERE id = $id AND picture IS NOT NULL LIMIT 1");
        select.Parameters.AddWithValue("$id", id);
        return select.ExecuteScalar() as byte[];
    }
}
