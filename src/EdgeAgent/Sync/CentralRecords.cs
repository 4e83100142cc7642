namespace EdgeAgent.Sync;

using System.Text.Json.Nodes;
using EdgeAgent.Alerting.Geofencing;
using EdgeAgent.Recording;
using Microsoft.Data.Sqlite;
using Npgsql;

/// <summary>
/// The programme's records read back from the central database into a records file of the agent's
/// own schema, so that the report, the Camtrap DP package and the counts read every site the way they
/// read one: each camera becomes <c>agent/camera</c>, each zone <c>agent/zone</c>.
/// </summary>
public static class CentralRecords
{
    /// <summary>What a programme-wide report needs besides the records: every agent's cameras, and a zones file.</summary>
    public sealed record Programme(IReadOnlyList<CameraSite> Cameras, string ZonesFile, int Agents);

    /// <summary>Copies every agent's records into a new records file at <paramref name="path"/>, and writes the zones beside it.</summary>
    public static async Task<Programme> DownloadAsync(NpgsqlDataSource central, string path, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(central);
        using var local = SqliteFile.Open(path, "OFF", RecordSchema.Tables, "--database");
        RecordSchema.Migrate(local);
        foreach (var table in SyncedTables.All.Where(t => t.Kind != "alert"))
        {
            await CopyAsync(central, local, table, cancellationToken).ConfigureAwait(false);
        }

        var cameras = new List<CameraSite>();
        await using (var select = central.CreateCommand("SELECT agent_id || '/' || camera_id, latitude, longitude, time_zone, deployed_since FROM cameras ORDER BY 1"))
        await using (var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                cameras.Add(new CameraSite
                {
                    Id = reader.GetString(0),
                    Latitude = reader.GetDouble(1),
                    Longitude = reader.GetDouble(2),
                    TimeZone = reader.GetString(3),
                    DeployedSince = reader.IsDBNull(4) ? null : new DateTimeOffset(reader.GetDateTime(4), TimeSpan.Zero),
                });
            }
        }

        var features = new JsonArray();
        await using (var select = central.CreateCommand("SELECT agent_id || '/' || zone_id, name || ' (' || agent_id || ')', ST_AsGeoJSON(area) FROM zones ORDER BY 1"))
        await using (var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                features.Add(new JsonObject
                {
                    ["type"] = "Feature",
                    ["properties"] = new JsonObject { ["id"] = reader.GetString(0), ["name"] = reader.GetString(1) },
                    ["geometry"] = JsonNode.Parse(reader.GetString(2)),
                });
            }
        }

        var zones = Path.ChangeExtension(path, ".zones.geojson");
        await File.WriteAllTextAsync(zones, new JsonObject { ["type"] = "FeatureCollection", ["features"] = features }.ToJsonString(), cancellationToken).ConfigureAwait(false);
        await using var count = central.CreateCommand("SELECT count(*) FROM agents");
        var agents = Convert.ToInt32(await count.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
        return new Programme(cameras, zones, agents);
    }

    private static async Task CopyAsync(NpgsqlDataSource central, SqliteConnection local, SyncedTable table, CancellationToken cancellationToken)
    {
        // A key that is only a local row number means nothing across agents: the copy numbers its rows anew.
        var columns = table.Key is [var only] && table.Columns.First(c => c.Name == only).Type == ColumnType.Integer
            ? table.Columns.Where(c => c.Name != only).ToArray()
            : table.Columns;
        var read = columns.Select(c => c.Name == "source_id" ? "agent_id || '/' || source_id" : c.Type switch
        {
            ColumnType.Time or ColumnType.EpochMilliseconds => $"to_char({CentralSchema.Quoted(c.Name)} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"0Z\"')",
            ColumnType.Json => $"{CentralSchema.Quoted(c.Name)}::text",
            _ => CentralSchema.Quoted(c.Name),
        });
        await using var select = central.CreateCommand($"SELECT {string.Join(", ", read)} FROM {table.CentralTable} ORDER BY agent_id");
        await using var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        using var transaction = local.BeginTransaction();
        using var insert = local.Command(
            $"INSERT INTO {table.LocalTable} ({string.Join(", ", columns.Select(c => c.Name))}) VALUES ({string.Join(", ", columns.Select((_, i) => $"${i}"))})", transaction);
        var parameters = columns.Select((_, i) => insert.Parameters.Add(new SqliteParameter($"${i}", null))).ToArray();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            for (var i = 0; i < parameters.Length; i++)
            {
                parameters[i].Value = reader.IsDBNull(i) ? DBNull.Value : reader.GetValue(i);
            }

            insert.ExecuteNonQuery();
        }

        transaction.Commit();
    }
}
