namespace EdgeAgent.Sync;

using System.Globalization;
using System.Text;
using EdgeAgent.Alerting.Geofencing;
using Npgsql;
using NpgsqlTypes;

/// <summary>What an agent tells the server of itself with every shipment.</summary>
public sealed record AgentContact(string AgentId, string Site, string Version, long Backlog, DateTimeOffset? BacklogOldest, long PicturesWaiting);

/// <summary>
/// The central side of shipping: one shipment is one transaction — the agent's row, then each
/// table's rows as one statement over arrays (one round trip however many rows), written by key,
/// so a shipment sent twice (the agent killed before it heard the answer) leaves the same rows.
/// </summary>
public sealed class CentralStore(NpgsqlDataSource database) : IAsyncDisposable
{
    private static readonly Dictionary<string, string> UpsertSql = SyncedTables.All.ToDictionary(t => t.Kind, Upsert);

    /// <summary>Writes the agent's row and the rows of each table in one transaction.</summary>
    public async Task ShipAsync(AgentContact agent, IReadOnlyList<(SyncedTable Table, IReadOnlyList<object?[]> Rows)> shipment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(agent);
        ArgumentNullException.ThrowIfNull(shipment);
        var commands = new List<NpgsqlBatchCommand>();
        foreach (var (table, rows) in shipment.Where(s => s.Rows.Count > 0))
        {
            var command = new NpgsqlBatchCommand(UpsertSql[table.Kind]);
            command.Parameters.Add(new NpgsqlParameter { Value = agent.AgentId });
            for (var c = 0; c < table.Columns.Length; c++)
            {
                command.Parameters.Add(Column(table.Columns[c].Type, rows, c));
            }

            commands.Add(command);
        }

        await CommitAsync(agent, commands, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Replaces the agent's zones and cameras (as its configuration has them now).</summary>
    public async Task ShipSiteAsync(AgentContact agent, IReadOnlyList<Zone> zones, IReadOnlyList<CameraSite> cameras, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(agent);
        ArgumentNullException.ThrowIfNull(zones);
        ArgumentNullException.ThrowIfNull(cameras);
        var commands = new List<NpgsqlBatchCommand>();
        foreach (var table in new[] { "zones", "cameras" })
        {
            var clear = new NpgsqlBatchCommand($"DELETE FROM {table} WHERE agent_id = $1");
            clear.Parameters.Add(new NpgsqlParameter { Value = agent.AgentId });
            commands.Add(clear);
        }

        if (cameras.Count > 0)
        {
            var insert = new NpgsqlBatchCommand("""
                INSERT INTO cameras (agent_id, camera_id, latitude, longitude, time_zone, deployed_since)
                SELECT $1, u.id, u.latitude, u.longitude, u.time_zone, u.since
                FROM unnest($2::text[], $3::double precision[], $4::double precision[], $5::text[], $6::timestamptz[]) AS u(id, latitude, longitude, time_zone, since)
                """);
            insert.Parameters.Add(new NpgsqlParameter { Value = agent.AgentId });
            insert.Parameters.Add(new NpgsqlParameter { Value = cameras.Select(c => c.Id).ToArray() });
            insert.Parameters.Add(new NpgsqlParameter { Value = cameras.Select(c => c.Position().Latitude).ToArray() });
            insert.Parameters.Add(new NpgsqlParameter { Value = cameras.Select(c => c.Position().Longitude).ToArray() });
            insert.Parameters.Add(new NpgsqlParameter { Value = cameras.Select(c => c.TimeZone).ToArray() });
            insert.Parameters.Add(new NpgsqlParameter
            {
                Value = cameras.Select(c => c.DeployedSince?.UtcDateTime).ToArray(),
                NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz,
            });
            commands.Add(insert);
        }

        if (zones.Count > 0)
        {
            var insert = new NpgsqlBatchCommand(
                "INSERT INTO zones (agent_id, zone_id, name, area) SELECT $1, u.id, u.name, ST_GeomFromText(u.wkt, 4326) FROM unnest($2::text[], $3::text[], $4::text[]) AS u(id, name, wkt)");
            insert.Parameters.Add(new NpgsqlParameter { Value = agent.AgentId });
            insert.Parameters.Add(new NpgsqlParameter { Value = zones.Select(z => z.Id).ToArray() });
            insert.Parameters.Add(new NpgsqlParameter { Value = zones.Select(z => z.Name).ToArray() });
            insert.Parameters.Add(new NpgsqlParameter { Value = zones.Select(z => z.Geometry.AsText()).ToArray() });
            commands.Add(insert);
        }

        await CommitAsync(agent, commands, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stores an alert's picture (<paramref name="size"/>: thumbnail or full).</summary>
    public async Task ShipPictureAsync(string agentId, string alertId, string size, byte[] jpeg, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("""
            INSERT INTO alert_pictures (agent_id, alert_id, size, jpeg) VALUES ($1, $2, $3, $4)
            ON CONFLICT (agent_id, alert_id) DO UPDATE SET size = excluded.size, jpeg = excluded.jpeg, received_at = now()
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = agentId });
        command.Parameters.Add(new NpgsqlParameter { Value = alertId });
        command.Parameters.Add(new NpgsqlParameter { Value = size });
        command.Parameters.Add(new NpgsqlParameter { Value = jpeg });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => database.DisposeAsync();

    /// <summary>The agent's row and the commands in one transaction, sent in one round trip.</summary>
    private async Task CommitAsync(AgentContact agent, IEnumerable<NpgsqlBatchCommand> commands, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var batch = new NpgsqlBatch(connection, transaction);
        batch.BatchCommands.Add(Contact(agent));
        foreach (var command in commands)
        {
            batch.BatchCommands.Add(command);
        }

        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private static NpgsqlBatchCommand Contact(AgentContact agent)
    {
        var command = new NpgsqlBatchCommand("""
            INSERT INTO agents (agent_id, site, version, last_contact, backlog, backlog_oldest, pictures_waiting) VALUES ($1, $2, $3, now(), $4, $5, $6)
            ON CONFLICT (agent_id) DO UPDATE SET site = excluded.site, version = excluded.version, last_contact = now(),
                backlog = excluded.backlog, backlog_oldest = excluded.backlog_oldest, pictures_waiting = excluded.pictures_waiting
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = agent.AgentId });
        command.Parameters.Add(new NpgsqlParameter { Value = agent.Site });
        command.Parameters.Add(new NpgsqlParameter { Value = agent.Version });
        command.Parameters.Add(new NpgsqlParameter { Value = agent.Backlog });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)agent.BacklogOldest ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter { Value = agent.PicturesWaiting });
        return command;
    }

    /// <summary>One column of a table's rows as a typed array: integers and reals travel in binary, times and JSON as text the server converts.</summary>
    private static NpgsqlParameter Column(ColumnType type, IReadOnlyList<object?[]> rows, int c) => type switch
    {
        ColumnType.Integer or ColumnType.EpochMilliseconds => new NpgsqlParameter
        {
            Value = rows.Select(r => r[c] is null ? (long?)null : Convert.ToInt64(r[c], CultureInfo.InvariantCulture)).ToArray(),
            NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint,
        },
        ColumnType.Real => new NpgsqlParameter
        {
            Value = rows.Select(r => r[c] is null ? (double?)null : Convert.ToDouble(r[c], CultureInfo.InvariantCulture)).ToArray(),
            NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Double,
        },
        _ => new NpgsqlParameter
        {
            Value = rows.Select(r => r[c] is null ? null : Convert.ToString(r[c], CultureInfo.InvariantCulture)).ToArray(),
            NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text,
        },
    };

    private static string Upsert(SyncedTable table)
    {
        var names = table.Columns.Select(c => CentralSchema.Quoted(c.Name)).ToList();
        var values = table.Columns.Select(c => c.Type switch
        {
            ColumnType.Time => $"u.{CentralSchema.Quoted(c.Name)}::timestamptz",
            ColumnType.EpochMilliseconds => $"to_timestamp(u.{CentralSchema.Quoted(c.Name)} / 1000.0)",
            ColumnType.Json => $"u.{CentralSchema.Quoted(c.Name)}::jsonb",
            _ => $"u.{CentralSchema.Quoted(c.Name)}",
        });
        var arrays = table.Columns.Select((c, i) => $"${i + 2}::{(c.Type switch { ColumnType.Integer or ColumnType.EpochMilliseconds => "bigint", ColumnType.Real => "double precision", _ => "text" })}[]");
        var sql = new StringBuilder();
        sql.Append(CultureInfo.InvariantCulture, $"INSERT INTO {table.CentralTable} (agent_id, {string.Join(", ", names)}) ");
        sql.Append(CultureInfo.InvariantCulture, $"SELECT $1, {string.Join(", ", values)} FROM unnest({string.Join(", ", arrays)}) AS u({string.Join(", ", names)}) ");
        sql.Append(CultureInfo.InvariantCulture, $"ON CONFLICT (agent_id, {string.Join(", ", table.Key.Select(CentralSchema.Quoted))}) DO UPDATE SET ");
        sql.Append(string.Join(", ", names.Where(n => !table.Key.Select(CentralSchema.Quoted).Contains(n)).Select(n => $"{n} = excluded.{n}")));
        return sql.ToString();
    }
}
