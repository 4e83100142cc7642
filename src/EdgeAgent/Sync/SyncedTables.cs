namespace EdgeAgent.Sync;

/// <summary>How a column's value travels: as stored locally, or turned into the central type on arrival.</summary>
public enum ColumnType
{
    /// <summary>A whole number (bigint).</summary>
    Integer,

    /// <summary>A real number (double precision).</summary>
    Real,

    /// <summary>Text.</summary>
    Text,

    /// <summary>An ISO 8601 time in local text, a <c>timestamptz</c> centrally.</summary>
    Time,

    /// <summary>Milliseconds since 1970 locally, a <c>timestamptz</c> centrally.</summary>
    EpochMilliseconds,

    /// <summary>JSON text locally, <c>jsonb</c> centrally.</summary>
    Json,
}

/// <summary>A column of a synced table; <paramref name="Local"/> is the expression that reads it locally (the column itself unless said).</summary>
public sealed record SyncedColumn(string Name, ColumnType Type, string? Local = null)
{
    /// <summary>What the local SELECT reads.</summary>
    public string LocalExpression => Local ?? Name;
}

/// <summary>
/// A local table whose rows travel to the central database: its kind in the queue, whether updates
/// travel too (a track grows, an alert gets delivered, a verdict is undone), its key (with the agent's
/// name, the central primary key, so that a row sent twice is written once) and its columns.
/// </summary>
public sealed record SyncedTable(string Kind, string LocalTable, string CentralTable, bool Updates, string[] Key, SyncedColumn[] Columns)
{
    /// <summary>Whether rows have a position (latitude and longitude): centrally they get a PostGIS point.</summary>
    public bool Placed => Columns.Any(c => c.Name == "latitude");
}

/// <summary>The records that travel, in one place for the local queue's triggers, the shipment and the central schema.</summary>
public static class SyncedTables
{
    private static readonly SyncedColumn[] Box =
    [
        new("x", ColumnType.Real), new("y", ColumnType.Real), new("width", ColumnType.Real), new("height", ColumnType.Real),
    ];

    private static readonly SyncedColumn[] Place =
    [
        new("latitude", ColumnType.Real), new("longitude", ColumnType.Real), new("uncertainty_m", ColumnType.Real), new("placed_by", ColumnType.Text),
    ];

    private static readonly SyncedColumn[] Taxon =
    [
        new("taxon", ColumnType.Text), new("taxon_score", ColumnType.Real), new("taxon_method", ColumnType.Text), new("taxon_top", ColumnType.Json),
    ];

    private static readonly SyncedColumn[] Sighting =
    [
        new("source_id", ColumnType.Text), new("label", ColumnType.Text), new("category", ColumnType.Text),
    ];

    /// <summary>Every synced table, in the order a shipment writes them.</summary>
    public static IReadOnlyList<SyncedTable> All { get; } =
    [
        new("file", "files_done", "files_done", Updates: false, ["source_id", "path", "size", "modified_ticks"],
        [
            new("source_id", ColumnType.Text), new("path", ColumnType.Text), new("size", ColumnType.Integer), new("modified_ticks", ColumnType.Integer),
            new("done_at", ColumnType.Time), new("detections", ColumnType.Integer), new("failure", ColumnType.Text), new("captured_at", ColumnType.Time),
            new("width", ColumnType.Integer), new("height", ColumnType.Integer), new("camera_time", ColumnType.Time), new("timestamp_issue", ColumnType.Text),
        ]),
        new("detection", "detections", "detections", Updates: false, ["id"],
        [
            new("id", ColumnType.Integer), .. Sighting, new("captured_at", ColumnType.Time), new("confidence", ColumnType.Real), .. Box, .. Place,
            new("picture", ColumnType.Text), new("alert_id", ColumnType.Text), new("track_id", ColumnType.Text), new("file_path", ColumnType.Text), .. Taxon,
        ]),
        new("track", "tracks", "tracks", Updates: true, ["source_id", "track_id"],
        [
            .. Sighting, new("track_id", ColumnType.Text), new("first_seen", ColumnType.Time), new("last_seen", ColumnType.Time), new("frames", ColumnType.Integer),
            new("best_confidence", ColumnType.Real), .. Box, .. Place, new("snapshot", ColumnType.Text), new("alert_id", ColumnType.Text),
            new("flight_started", ColumnType.Time), .. Taxon,
        ]),
        new("suppressed", "suppressed", "suppressed", Updates: false, ["row"],
        [
            new("row", ColumnType.Integer, "rowid"), .. Sighting, new("captured_at", ColumnType.Time), new("file_path", ColumnType.Text),
            new("reason", ColumnType.Text), new("confidence", ColumnType.Real),
        ]),
        new("source_state", "source_states", "source_states", Updates: false, ["row"],
        [
            new("row", ColumnType.Integer, "rowid"), new("source_id", ColumnType.Text), new("at", ColumnType.Time), new("state", ColumnType.Text), new("detail", ColumnType.Text),
        ]),
        new("alert", "outbox", "alerts", Updates: true, ["id", "channel"],
        [
            new("id", ColumnType.Text), new("channel", ColumnType.Text), new("state", ColumnType.Text), new("attempts", ColumnType.Integer),
            new("last_error", ColumnType.Text), new("created_at", ColumnType.EpochMilliseconds), new("sent_at", ColumnType.EpochMilliseconds),
            new("alert", ColumnType.Json), new("reply", ColumnType.Text),
        ]),
        new("verdict", "verdicts", "verdicts", Updates: true, ["id"],
        [
            new("id", ColumnType.Integer), new("alert_id", ColumnType.Text), new("threat", ColumnType.Integer), new("given_by", ColumnType.Text),
            new("given_at", ColumnType.Time), .. Sighting, .. Box, new("subject", ColumnType.Text), new("until", ColumnType.Time),
            new("undone_at", ColumnType.Time), new("undone_by", ColumnType.Text),
        ]),
    ];
}
