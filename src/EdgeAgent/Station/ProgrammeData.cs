namespace EdgeAgent.Station;

using System.Text.Json;
using EdgeAgent.Alerting.Geofencing;
using EdgeAgent.Alerting.Rules;
using EdgeAgent.Common.Observations;
using EdgeAgent.Maps;
using EdgeAgent.Recording;
using NetTopologySuite.IO;
using Npgsql;

/// <summary>An agent as the programme's page shows it: what it last told the server.</summary>
public sealed record AgentView(string Id, string Site, string Version, DateTimeOffset FirstContact, DateTimeOffset LastContact, long Backlog, DateTimeOffset? BacklogOldest, long PicturesWaiting);

/// <summary>An alert of any site, with its delivery state on each channel, and whether its picture reached the server.</summary>
public sealed record SiteAlert(string AgentId, Alert Alert, IReadOnlyList<(string Channel, string State)> Deliveries, bool HasPicture);

/// <summary>
/// What the programme's station page shows, read from the central database: the agents, the latest
/// alerts of every site, the map of every site (last week's placed records) and counts per site.
/// </summary>
public sealed class ProgrammeData(NpgsqlDataSource central, TimeProvider time)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The page's clock.</summary>
    public TimeProvider Time => time;

    /// <summary>Every agent, by name.</summary>
    public IReadOnlyList<AgentView> Agents() => Read(
        "SELECT agent_id, site, version, first_contact, last_contact, backlog, backlog_oldest, pictures_waiting FROM agents ORDER BY agent_id",
        r => new AgentView(r.GetString(0), r.GetString(1), r.GetString(2), Utc(r, 3)!.Value, Utc(r, 4)!.Value, r.GetInt64(5), Utc(r, 6), r.GetInt64(7)));

    /// <summary>The latest alerts of every site, newest first.</summary>
    public IReadOnlyList<SiteAlert> Alerts(int count) => Read(
        """
        SELECT a.agent_id, a.id, min(a.alert::text), array_agg(a.channel ORDER BY a.channel), array_agg(a.state ORDER BY a.channel),
            EXISTS (SELECT 1 FROM alert_pictures p WHERE p.agent_id = a.agent_id AND p.alert_id = a.id)
        FROM alerts a GROUP BY a.agent_id, a.id ORDER BY min(a.created_at) DESC LIMIT $1
        """,
        r => new SiteAlert(r.GetString(0), JsonSerializer.Deserialize<Alert>(r.GetString(2), Json)!, r.GetFieldValue<string[]>(3).Zip(r.GetFieldValue<string[]>(4)).ToList(), r.GetBoolean(5)),
        count);

    /// <summary>An alert's picture as it reached the server (a thumbnail or the full picture), or null.</summary>
    public byte[]? Picture(string agentId, string alertId) =>
        Read("SELECT jpeg FROM alert_pictures WHERE agent_id = $1 AND alert_id = $2", r => (byte[])r[0], agentId, alertId).FirstOrDefault();

    /// <summary>Every site's zones, cameras and last week's placed records, each named <c>agent/…</c>.</summary>
    public MapView Map(TimeSpan period, int records)
    {
        var wkt = new WKTReader();
        var zones = Read(
            "SELECT agent_id || '/' || zone_id, name || ' (' || agent_id || ')', ST_AsText(area) FROM zones ORDER BY 1",
            r => new Zone(r.GetString(0), r.GetString(1), wkt.Read(r.GetString(2)), new Dictionary<string, object?>()));
        var cameras = Read(
            "SELECT agent_id || '/' || camera_id, latitude, longitude FROM cameras ORDER BY 1",
            r => new CameraSite { Id = r.GetString(0), Latitude = r.GetDouble(1), Longitude = r.GetDouble(2) });
        var placed = Read(
            """
            SELECT kind, source, label, category, confidence, seen, latitude, longitude, uncertainty_m, placed_by, alert_id FROM (
                SELECT 'picture' AS kind, agent_id || '/' || source_id AS source, label, category, confidence, captured_at AS seen,
                    latitude, longitude, uncertainty_m, placed_by, alert_id FROM detections WHERE latitude IS NOT NULL AND captured_at >= $1
                UNION ALL
                SELECT 'track', agent_id || '/' || source_id, label, category, best_confidence, last_seen, latitude, longitude, uncertainty_m, placed_by, alert_id
                FROM tracks WHERE latitude IS NOT NULL AND last_seen >= $1) AS placed
            ORDER BY seen DESC LIMIT $2
            """,
            r => new PlacedRecord(
                r.GetString(0), r.GetString(1), null, r.GetString(2), r.GetString(3), (float)r.GetDouble(4), Utc(r, 5)!.Value, Utc(r, 5)!.Value, 1,
                new GeoPosition(r.GetDouble(6), r.GetDouble(7)), r.IsDBNull(8) ? null : r.GetDouble(8), r.GetString(9), null, r.IsDBNull(10) ? null : r.GetString(10)),
            time.GetUtcNow() - period,
            records);
        return new MapView(zones, cameras, placed, []);
    }

    /// <summary>
    /// Per site and what was seen — the taxon it was named as, else the detector's label — over all its
    /// records: camera-trap pictures with it, and video tracks of it.
    /// </summary>
    public IReadOnlyList<(string AgentId, string Site, string Name, string Label, string Category, long Pictures, long Tracks)> Counts() => Read(
        """
        SELECT a.agent_id, a.site, c.label, c.category, c.taxon, sum(c.pictures)::bigint, sum(c.tracks)::bigint FROM (
            SELECT agent_id, label, category, taxon, count(DISTINCT (source_id, captured_at, file_path)) AS pictures, 0 AS tracks
            FROM detections GROUP BY 1, 2, 3, 4
            UNION ALL
            SELECT agent_id, label, category, taxon, 0, count(*) FROM tracks GROUP BY 1, 2, 3, 4) AS c
        JOIN agents a USING (agent_id)
        GROUP BY 1, 2, 3, 4, 5
        """,
        r => (r.GetString(0), r.GetString(1), r.IsDBNull(4) ? r.GetString(2) : Taxon.Parse(r.GetString(4))?.Display ?? r.GetString(2), r.GetString(2), r.GetString(3), r.GetInt64(5), r.GetInt64(6)))
        .OrderBy(c => c.Item1, StringComparer.Ordinal).ThenByDescending(c => c.Item6 + c.Item7).ThenBy(c => c.Item3, StringComparer.Ordinal)
        .ToList();

    private static DateTimeOffset? Utc(NpgsqlDataReader reader, int column) =>
        reader.IsDBNull(column) ? null : new DateTimeOffset(reader.GetDateTime(column), TimeSpan.Zero);

    private List<T> Read<T>(string sql, Func<NpgsqlDataReader, T> row, params object[] parameters)
    {
        using var command = central.CreateCommand(sql);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter is DateTimeOffset at ? at.UtcDateTime : parameter });
        }

        using var reader = command.ExecuteReader();
        var rows = new List<T>();
        while (reader.Read())
        {
            rows.Add(row(reader));
        }

        return rows;
    }
}
