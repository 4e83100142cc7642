namespace EdgeAgent.Recording;

using System.Globalization;
using System.Text.Json.Nodes;
using EdgeAgent.Common.Observations;
using Microsoft.Data.Sqlite;

/// <summary>
/// The records' tables, written in one place for the write store and the read-only queries: the
/// camera-trap detections, video tracks, detections set aside, sources' states, the ledger of
/// files done and people's verdicts on alerts; and how the records write a time. A detection or track named by the species stage
/// keeps its taxon (<c>class;order;family;genus;species;common name</c>), the answer's score, how it
/// was named (the classifier's name, or <c>detector</c>) and the classifier's raw top classes (JSON
/// <c>[[label, score], …]</c>).
/// </summary>
public static class RecordSchema
{
    /// <summary>Creates whichever of the tables is missing.</summary>
    public const string Tables = """
        CREATE TABLE IF NOT EXISTS detections (
            id INTEGER PRIMARY KEY,
            source_id TEXT NOT NULL,
            captured_at TEXT NOT NULL,
            label TEXT NOT NULL,
            category TEXT NOT NULL,
            confidence REAL NOT NULL,
            x REAL NOT NULL, y REAL NOT NULL, width REAL NOT NULL, height REAL NOT NULL,
            latitude REAL, longitude REAL, uncertainty_m REAL, placed_by TEXT NOT NULL DEFAULT 'camera',
            picture TEXT,
            alert_id TEXT,
            track_id TEXT,
            file_path TEXT,
            taxon TEXT, taxon_score REAL, taxon_method TEXT, taxon_top TEXT);
        CREATE INDEX IF NOT EXISTS detections_by_day ON detections (substr(captured_at, 1, 10), label);
        CREATE INDEX IF NOT EXISTS detections_by_time ON detections (captured_at);
        CREATE INDEX IF NOT EXISTS detections_by_burst ON detections (source_id, label, captured_at);
        CREATE TABLE IF NOT EXISTS tracks (
            source_id TEXT NOT NULL,
            track_id TEXT NOT NULL,
            label TEXT NOT NULL,
            category TEXT NOT NULL,
            first_seen TEXT NOT NULL,
            last_seen TEXT NOT NULL,
            frames INTEGER NOT NULL,
            best_confidence REAL NOT NULL,
            x REAL NOT NULL, y REAL NOT NULL, width REAL NOT NULL, height REAL NOT NULL,
            latitude REAL, longitude REAL, uncertainty_m REAL, placed_by TEXT NOT NULL,
            snapshot TEXT,
            alert_id TEXT,
            flight_started TEXT,
            taxon TEXT, taxon_score REAL, taxon_method TEXT, taxon_top TEXT,
            PRIMARY KEY (source_id, track_id));
        CREATE TABLE IF NOT EXISTS suppressed (
            source_id TEXT NOT NULL,
            captured_at TEXT NOT NULL,
            file_path TEXT,
            reason TEXT NOT NULL,
            label TEXT NOT NULL,
            category TEXT NOT NULL,
            confidence REAL NOT NULL);
        CREATE INDEX IF NOT EXISTS suppressed_by_time ON suppressed (captured_at);
        CREATE TABLE IF NOT EXISTS source_states (
            source_id TEXT NOT NULL,
            at TEXT NOT NULL,
            state TEXT NOT NULL,
            detail TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS files_done (
            source_id TEXT NOT NULL,
            path TEXT NOT NULL,
            size INTEGER NOT NULL,
            modified_ticks INTEGER NOT NULL,
            done_at TEXT NOT NULL,
            detections INTEGER NOT NULL,
            failure TEXT,
            PRIMARY KEY (source_id, path, size, modified_ticks));
        CREATE TABLE IF NOT EXISTS recordings_done (
            source_id TEXT NOT NULL,
            path TEXT NOT NULL,
            size INTEGER NOT NULL,
            modified_ticks INTEGER NOT NULL,
            done_at TEXT NOT NULL,
            PRIMARY KEY (source_id, path, size, modified_ticks));
        CREATE TABLE IF NOT EXISTS recordings_read (
            source_id TEXT NOT NULL,
            path TEXT NOT NULL,
            size INTEGER NOT NULL,
            modified_ticks INTEGER NOT NULL,
            began_at TEXT NOT NULL,
            read_to_ms INTEGER NOT NULL,
            PRIMARY KEY (source_id, path, size, modified_ticks));
        """ + VerdictsTable;

    /// <summary>
    /// People's verdicts on alerts (threat 0: "not a threat", 1: it was one), with who and when, what
    /// the alert was about (camera, label, box in the picture's pixels, the picture's key) and, for a
    /// "not a threat", until when it suppresses; an undone verdict keeps its row with who undid it.
    /// </summary>
    public const string VerdictsTable = """
        CREATE TABLE IF NOT EXISTS verdicts (
            id INTEGER PRIMARY KEY,
            alert_id TEXT NOT NULL,
            threat INTEGER NOT NULL,
            given_by TEXT NOT NULL,
            given_at TEXT NOT NULL,
            source_id TEXT NOT NULL,
            label TEXT NOT NULL,
            category TEXT NOT NULL,
            x REAL NOT NULL, y REAL NOT NULL, width REAL NOT NULL, height REAL NOT NULL,
            subject TEXT,
            until TEXT,
            undone_at TEXT,
            undone_by TEXT);
        CREATE INDEX IF NOT EXISTS verdicts_by_alert ON verdicts (alert_id);
        """;

    /// <summary>
    /// Adds what earlier versions did not keep: a picture's capture time and size (for its media
    /// record) and, where its camera's clock could not be believed, what the clock said and why
    /// (<c>camera_time</c>, <c>timestamp_issue</c>), a detection's file, the taxon a detection or track was named as, a track's flight (the run of its stream; earlier versions wrote
    /// its start, yyyyMMddTHHmmssfff, at the head of the track id, and it is taken from there once).
    /// </summary>
    public static void Migrate(SqliteConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        connection.AddColumnIfMissing("files_done", "captured_at", "TEXT");
        connection.AddColumnIfMissing("files_done", "width", "INTEGER");
        connection.AddColumnIfMissing("files_done", "height", "INTEGER");
        connection.AddColumnIfMissing("detections", "file_path", "TEXT");
        connection.AddColumnIfMissing("files_done", "camera_time", "TEXT");
        connection.AddColumnIfMissing("files_done", "timestamp_issue", "TEXT");
        foreach (var table in new[] { "detections", "tracks" })
        {
            connection.AddColumnIfMissing(table, "taxon", "TEXT");
            connection.AddColumnIfMissing(table, "taxon_score", "REAL");
            connection.AddColumnIfMissing(table, "taxon_method", "TEXT");
            connection.AddColumnIfMissing(table, "taxon_top", "TEXT");
        }

        if (!connection.HasColumn("tracks", "flight_started"))
        {
            connection.AddColumnIfMissing("tracks", "flight_started", "TEXT");
            using var backfill = connection.Command("""
                UPDATE tracks SET flight_started =
                    substr(track_id, 1, 4) || '-' || substr(track_id, 5, 2) || '-' || substr(track_id, 7, 2) || 'T' || substr(track_id, 10, 2) || ':' ||
                    substr(track_id, 12, 2) || ':' || substr(track_id, 14, 2) || '.' || substr(track_id, 16, 3) || '0000Z'
                WHERE track_id GLOB '[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]T[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]-*'
                """);
            backfill.ExecuteNonQuery();
        }
    }

    /// <summary>A classifier's top classes as the records keep them: <c>[["african elephant", 0.91], …]</c>.</summary>
    public static string TopClasses(IEnumerable<ScoredClass> top) =>
        new JsonArray(top.Select(c => (JsonNode)new JsonArray(c.Label, Math.Round(c.Score, 4))).ToArray()).ToJsonString();

    /// <summary>How the records write a time: UTC, round-trip format, so that text order is time order.</summary>
    public static string Text(DateTimeOffset at) => at.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);

    /// <summary>A time as the records wrote it: <see cref="Text"/>'s round-trip form read on its fast path, any other ISO 8601 form too.</summary>
    public static DateTimeOffset Time(string text) =>
        DateTimeOffset.TryParseExact(text, "O", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            ? at
            : DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
}
