namespace EdgeAgent.Verdicts;

using EdgeAgent.Alerting.Rules;
using EdgeAgent.Common.Observations;
using EdgeAgent.Recording;
using Microsoft.Data.Sqlite;

/// <summary>
/// The verdicts, in the agent's records database (so they survive restarts and travel with the
/// records): given from the station page or the command line, read by the observation stage, which
/// sets aside what a "not a threat" covers. Each write is its own short transaction; the stage reads
/// the verdicts in force again when this process gave or undid one, and every few seconds for those
/// the command line gave.
/// </summary>
public sealed class VerdictStore(IOptions<DatabaseOptions> database, IOptions<VerdictOptions> options, TimeProvider time)
{
    /// <summary>How often the verdicts in force are read again, for those another process (the command line) gave.</summary>
    public static readonly TimeSpan ReadEvery = TimeSpan.FromSeconds(5);

    private const string Columns = "id, alert_id, threat, given_by, given_at, source_id, label, x, y, width, height, subject, until, undone_at, undone_by, category";

    private readonly string _path = Path.GetFullPath(database.Value.Path);
    private readonly object _gate = new();
    private long _version;
    private (long Version, DateTimeOffset At, IReadOnlyList<Verdict> Verdicts) _inForce = (-1, DateTimeOffset.MinValue, []);

    /// <summary>The verdicts' settings.</summary>
    public VerdictOptions Options => options.Value;

    /// <summary>Records a person's verdict on an alert; a "not a threat" suppresses for <see cref="VerdictOptions.SuppressFor"/> from now.</summary>
    public Verdict Give(Alert alert, bool threat, string by)
    {
        ArgumentNullException.ThrowIfNull(alert);
        var now = time.GetUtcNow();
        var (observation, box) = (alert.Observation, alert.Observation.Detection.Box);
        DateTimeOffset? until = threat ? null : now + options.Value.SuppressFor;
        using var connection = OpenWritable();
        using var insert = connection.Command("""
            INSERT INTO verdicts (alert_id, threat, given_by, given_at, source_id, label, category, x, y, width, height, subject, until)
            VALUES ($alert, $threat, $by, $at, $source, $label, $category, $x, $y, $width, $height, $subject, $until) RETURNING id
            """);
        insert.Parameters.AddWithValue("$alert", alert.Id);
        insert.Parameters.AddWithValue("$threat", threat ? 1 : 0);
        insert.Parameters.AddWithValue("$by", by);
        insert.Parameters.AddWithValue("$at", RecordSchema.Text(now));
        insert.Parameters.AddWithValue("$source", observation.SourceId);
        insert.Parameters.AddWithValue("$label", observation.Detection.Label);
        insert.Parameters.AddWithValue("$category", observation.Detection.Category.Name());
        insert.Parameters.AddWithValue("$x", box.X);
        insert.Parameters.AddWithValue("$y", box.Y);
        insert.Parameters.AddWithValue("$width", box.Width);
        insert.Parameters.AddWithValue("$height", box.Height);
        insert.Parameters.AddWithValue("$subject", (object?)observation.Subject ?? DBNull.Value);
        insert.Parameters.AddWithValue("$until", until is { } u ? RecordSchema.Text(u) : DBNull.Value);
        var id = (long)insert.ExecuteScalar()!;
        Interlocked.Increment(ref _version);
        return new Verdict(id, alert.Id, threat, by, now, observation.SourceId, observation.Detection.Label, observation.Detection.Category, box, observation.Subject, until, null, null);
    }

    /// <summary>Takes a verdict back (it no longer suppresses); false when there is none by that id or it was undone already.</summary>
    public bool Undo(long id, string by)
    {
        using var connection = OpenWritable();
        using var update = connection.Command("UPDATE verdicts SET undone_at = $at, undone_by = $by WHERE id = $id AND undone_at IS NULL");
        update.Parameters.AddWithValue("$id", id);
        update.Parameters.AddWithValue("$at", RecordSchema.Text(time.GetUtcNow()));
        update.Parameters.AddWithValue("$by", by);
        var undone = update.ExecuteNonQuery() > 0;
        Interlocked.Increment(ref _version);
        return undone;
    }

    /// <summary>The latest verdict on each of these alerts that has one.</summary>
    public IReadOnlyDictionary<string, Verdict> Of(IReadOnlyCollection<string> alertIds)
    {
        ArgumentNullException.ThrowIfNull(alertIds);
        if (alertIds.Count == 0 || !File.Exists(_path))
        {
            return new Dictionary<string, Verdict>();
        }

        using var connection = SqliteFile.OpenReadOnly(_path);
        using var select = connection.Command($"SELECT {Columns} FROM verdicts WHERE alert_id IN (SELECT value FROM json_each($ids)) ORDER BY id");
        select.Parameters.AddWithValue("$ids", System.Text.Json.JsonSerializer.Serialize(alertIds));
        return Read(select).GroupBy(v => v.AlertId).ToDictionary(g => g.Key, g => g.Last(), StringComparer.Ordinal);
    }

    /// <summary>Whether a "not a threat" in force covers <paramref name="detection"/> at <paramref name="sourceId"/>: the same label, the same place.</summary>
    public bool Dismisses(string sourceId, Detection detection)
    {
        ArgumentNullException.ThrowIfNull(detection);
        var now = time.GetUtcNow();
        return InForce(now).Any(v => v.SourceId == sourceId && v.Suppresses(now)
            && string.Equals(v.Label, detection.Label, StringComparison.OrdinalIgnoreCase)
            && v.Box.IntersectionOverUnion(detection.Box) >= options.Value.MinIou);
    }

    /// <summary>Every verdict, oldest first.</summary>
    public IReadOnlyList<Verdict> All()
    {
        if (!File.Exists(_path))
        {
            return [];
        }

        using var connection = SqliteFile.OpenReadOnly(_path);
        using var select = connection.Command($"SELECT {Columns} FROM verdicts ORDER BY id");
        return Read(select);
    }

    private IReadOnlyList<Verdict> InForce(DateTimeOffset now)
    {
        lock (_gate)
        {
            var version = Interlocked.Read(ref _version);
            if (_inForce.Version != version || now - _inForce.At >= ReadEvery)
            {
                using var connection = SqliteFile.OpenReadOnly(_path);
                using var select = connection.Command($"SELECT {Columns} FROM verdicts WHERE threat = 0 AND undone_at IS NULL AND until > $now");
                select.Parameters.AddWithValue("$now", RecordSchema.Text(now));
                _inForce = (version, now, Read(select));
            }

            return _inForce.Verdicts;
        }
    }

    /// <summary>A connection that writes verdicts; the table is made if this database has none yet.</summary>
    private SqliteConnection OpenWritable() => SqliteFile.Open(_path, "FULL", RecordSchema.VerdictsTable, "Database:Path", database.Value.LockTimeout);

    private static List<Verdict> Read(SqliteCommand select) => select.Rows(r => new Verdict(
        r.GetInt64(0), r.GetString(1), r.GetInt64(2) != 0, r.GetString(3), RecordSchema.Time(r.GetString(4)), r.GetString(5),
        r.GetString(6), Category(r.GetString(15)), new BoundingBox(r.GetFloat(7), r.GetFloat(8), r.GetFloat(9), r.GetFloat(10)),
        r.StringOrNull(11), TimeAt(r, 12), TimeAt(r, 13), r.StringOrNull(14)));

    private static DateTimeOffset? TimeAt(SqliteDataReader reader, int column) => reader.IsDBNull(column) ? null : RecordSchema.Time(reader.GetString(column));

    private static DetectionCategory Category(string name) =>
        DetectionCategories.TryParse(name, out var category) ? category : throw new InvalidDataException($"verdicts: '{name}' is not a detection category");
}
