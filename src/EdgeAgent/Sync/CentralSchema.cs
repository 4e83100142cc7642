namespace EdgeAgent.Sync;

using System.Text;
using Npgsql;

/// <summary>
/// The central database's schema (<c>edge-agent sync --init</c>): PostGIS, one row per agent, the
/// synced tables keyed by agent and local key, with a PostGIS point wherever a record has a position,
/// the sites' zones as polygons and cameras as points, alert pictures, indexes for the report's queries, and two roles:
/// <c>edge_agent_writer</c> (grant it to each agent's login) and <c>edge_analyst</c> (read-only, for
/// QGIS, R or Python). Applying it again changes nothing; a newer version adds what it lacks.
/// </summary>
public static class CentralSchema
{
    /// <summary>The schema's version; stored in <c>schema_version</c>.</summary>
    public const int Version = 1;

    /// <summary>Creates or completes the schema; returns the version found before (0 for an empty database).</summary>
    public static async Task<int> ApplyAsync(NpgsqlDataSource database, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(database);
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var create = new NpgsqlCommand(Script(), connection, transaction))
        {
            await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        int before;
        await using (var version = new NpgsqlCommand("SELECT coalesce(max(version), 0) FROM schema_version", connection, transaction))
        {
            before = Convert.ToInt32(await version.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
        }

        if (before < Version)
        {
            await using var record = new NpgsqlCommand("INSERT INTO schema_version (version, applied_at) VALUES ($1, now())", connection, transaction);
            record.Parameters.Add(new NpgsqlParameter { Value = Version });
            await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return before;
    }

    /// <summary>The SQL that creates whatever is missing.</summary>
    public static string Script()
    {
        var sql = new StringBuilder("""
            CREATE EXTENSION IF NOT EXISTS postgis;
            CREATE TABLE IF NOT EXISTS schema_version (version integer PRIMARY KEY, applied_at timestamptz NOT NULL);
            CREATE TABLE IF NOT EXISTS agents (
                agent_id text PRIMARY KEY,
                site text NOT NULL DEFAULT '',
                version text NOT NULL DEFAULT '',
                first_contact timestamptz NOT NULL DEFAULT now(),
                last_contact timestamptz NOT NULL DEFAULT now(),
                backlog bigint NOT NULL DEFAULT 0,
                backlog_oldest timestamptz,
                pictures_waiting bigint NOT NULL DEFAULT 0);
            CREATE TABLE IF NOT EXISTS zones (
                agent_id text NOT NULL REFERENCES agents,
                zone_id text NOT NULL,
                name text NOT NULL,
                area geometry(Geometry, 4326) NOT NULL,
                PRIMARY KEY (agent_id, zone_id));
            CREATE TABLE IF NOT EXISTS cameras (
                agent_id text NOT NULL REFERENCES agents,
                camera_id text NOT NULL,
                latitude double precision NOT NULL,
                longitude double precision NOT NULL,
                time_zone text NOT NULL DEFAULT '',
                deployed_since timestamptz,
                position geometry(Point, 4326) GENERATED ALWAYS AS (ST_SetSRID(ST_MakePoint(longitude, latitude), 4326)) STORED,
                PRIMARY KEY (agent_id, camera_id));
            CREATE TABLE IF NOT EXISTS alert_pictures (
                agent_id text NOT NULL REFERENCES agents,
                alert_id text NOT NULL,
                size text NOT NULL,
                jpeg bytea NOT NULL,
                received_at timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (agent_id, alert_id));

            """);
        foreach (var table in SyncedTables.All)
        {
            sql.Append(CultureInfoInvariant($"CREATE TABLE IF NOT EXISTS {table.CentralTable} (\n    agent_id text NOT NULL REFERENCES agents,\n"));
            foreach (var column in table.Columns)
            {
                sql.Append(CultureInfoInvariant($"    {Quoted(column.Name)} {SqlType(column.Type)},\n"));
            }

            if (table.Placed)
            {
                // The point PostGIS tools map, kept by the server from the record's own numbers.
                sql.Append("    position geometry(Point, 4326) GENERATED ALWAYS AS (CASE WHEN latitude IS NOT NULL AND longitude IS NOT NULL " +
                    "THEN ST_SetSRID(ST_MakePoint(longitude, latitude), 4326) END) STORED,\n");
            }

            sql.Append(CultureInfoInvariant($"    PRIMARY KEY (agent_id, {string.Join(", ", table.Key.Select(Quoted))}));\n"));
            if (table.Placed)
            {
                sql.Append(CultureInfoInvariant($"CREATE INDEX IF NOT EXISTS {table.CentralTable}_position ON {table.CentralTable} USING gist (position);\n"));
            }
        }

        sql.Append("""
            CREATE INDEX IF NOT EXISTS detections_by_time ON detections (captured_at);
            CREATE INDEX IF NOT EXISTS detections_by_burst ON detections (agent_id, source_id, label, captured_at);
            CREATE INDEX IF NOT EXISTS tracks_by_time ON tracks (first_seen);
            CREATE INDEX IF NOT EXISTS files_done_by_time ON files_done (captured_at);
            CREATE INDEX IF NOT EXISTS alerts_by_time ON alerts (created_at);
            DO $$ BEGIN
                IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'edge_agent_writer') THEN CREATE ROLE edge_agent_writer NOLOGIN; END IF;
                IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'edge_analyst') THEN CREATE ROLE edge_analyst NOLOGIN; END IF;
            END $$;
            GRANT USAGE ON SCHEMA public TO edge_agent_writer, edge_analyst;
            GRANT SELECT ON ALL TABLES IN SCHEMA public TO edge_analyst;
            GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA public TO edge_agent_writer;
            -- An agent replaces its zones and cameras at each start.
            GRANT DELETE ON zones, cameras TO edge_agent_writer;
            REVOKE UPDATE, INSERT ON schema_version, spatial_ref_sys FROM edge_agent_writer;

            """);
        return sql.ToString();
    }

    private static string SqlType(ColumnType type) => type switch
    {
        ColumnType.Integer => "bigint",
        ColumnType.Real => "double precision",
        ColumnType.Text => "text",
        ColumnType.Time or ColumnType.EpochMilliseconds => "timestamptz",
        ColumnType.Json => "jsonb",
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    /// <summary>A column's name as SQL writes it (<c>row</c> is a keyword).</summary>
    internal static string Quoted(string name) => $"\"{name}\"";

    private static string CultureInfoInvariant(FormattableString text) => FormattableString.Invariant(text);
}
