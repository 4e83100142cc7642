namespace EdgeAgent.Reporting;

using System.Globalization;
using EdgeAgent.Alerting.Observations;
using EdgeAgent.Common;
using EdgeAgent.Recording;
using Microsoft.Data.Sqlite;

/// <summary>
/// What the records count as one sighting: a camera trap's burst of pictures of one label (the
/// pictures of one camera and label each within the burst gap of the one before), or one animal seen
/// by a video source (a track, with a flight's tracks placed close together merged).
/// </summary>
/// <param name="SourceId">The camera trap, drone or camera.</param>
/// <param name="Label">What the model called it.</param>
/// <param name="Category">animal, person or vehicle.</param>
/// <param name="Start">When it was first seen.</param>
/// <param name="End">When it was last seen.</param>
/// <param name="Pictures">Pictures of the burst (video: 0).</param>
/// <param name="Count">Most individuals in one picture of the burst (video: 1).</param>
/// <param name="Position">Where: placed on the ground, else the camera's position; null when unknown.</param>
/// <param name="Unit"><c>burst</c> or <c>track</c>.</param>
/// <param name="EventId">The burst's id (its camera, label and first picture's time) or the track id.</param>
public sealed record Sighting(
    string SourceId, string Label, string Category, DateTimeOffset Start, DateTimeOffset End, int Pictures, int Count, GeoPosition? Position, string Unit, string EventId);

/// <summary>A source's time down in a period: reconnecting, failed or starting; the agent stopped; how many times it went down.</summary>
public readonly record struct Downtime(TimeSpan Down, TimeSpan Stopped, int Outages);

/// <summary>A picture the agent finished: its file, when it was taken, its size and its detections, or why it failed.</summary>
public sealed record PictureRow(string SourceId, string Path, DateTimeOffset TakenAt, int? Width, int? Height, int Detections, string? Failure);

/// <summary>A camera-trap detection with the picture it came from.</summary>
public sealed record DetectionRow(
    long Id, string SourceId, string? Path, DateTimeOffset CapturedAt, string Label, string Category, float Confidence, float X, float Y, float Width, float Height);

/// <summary>
/// Reads an agent's records database for reports, read-only, so that a report can be made beside a
/// running agent and never changes the field station's data. A database without the tables this
/// version reads is refused with what is missing; what later versions added (a picture's capture
/// time and size) is used where present.
/// </summary>
public sealed class RecordsReader : IDisposable
{
    private static readonly (string Table, string Column)[] Required =
    [
        ("detections", "placed_by"), ("detections", "track_id"), ("tracks", "snapshot"), ("files_done", "failure"),
    ];

    private readonly SqliteConnection _connection;
    private readonly bool _hasFilePaths;

    /// <summary>Opens a records database; a missing file or one of an older layout is a <see cref="ConfigurationException"/>.</summary>
    public RecordsReader(string path)
    {
        Path = System.IO.Path.GetFullPath(path);
        if (!File.Exists(Path))
        {
            throw new ConfigurationException($"records database {Path} does not exist");
        }

        try
        {
            _connection = SqliteFile.OpenReadOnly(Path);
        }
        catch (SqliteException e)
        {
            throw new ConfigurationException($"records database {Path}: cannot be read: {e.Message}", e);
        }

        var missing = Required.Where(r => !_connection.HasColumn(r.Table, r.Column)).Select(r => $"{r.Table}.{r.Column}").ToList();
        if (missing.Count > 0)
        {
            _connection.Dispose();
            throw new ConfigurationException(
                $"records database {Path} was written by an older edge-agent (it lacks {string.Join(", ", missing)}): " +
                "start `edge-agent run` on it once to bring it up to date, then make the report");
        }

        HasPictureTimes = _connection.HasColumn("files_done", "captured_at");
        _hasFilePaths = _connection.HasColumn("detections", "file_path");
    }

    /// <summary>The database file.</summary>
    public string Path { get; }

    /// <summary>Whether the pictures' capture times and sizes were recorded (versions from the report's on).</summary>
    public bool HasPictureTimes { get; }

    /// <summary>
    /// The sightings that began in [<paramref name="from"/>, <paramref name="to"/>): camera-trap
    /// bursts, read in one ordered pass over the detections, and the video animals.
    /// </summary>
    public IEnumerable<Sighting> Sightings(DateTimeOffset from, DateTimeOffset to, TimeSpan burstGap, double sameAnimalWithin)
    {
        // A burst that began before the period and runs into it belongs to the period before: read a gap earlier.
        // The picture a detection came from: its file where recorded, else its capture time.
        var picture = _hasFilePaths ? "COALESCE(file_path, captured_at)" : "captured_at";
        using var select = _connection.Command($"""
            SELECT source_id, label, category, captured_at, latitude, longitude, {picture}
            FROM detections WHERE track_id IS NULL AND captured_at >= $from AND captured_at < $to
            ORDER BY source_id, label, captured_at
            """);
        select.Parameters.AddWithValue("$from", RecordDatabase.Text(from - burstGap));
        select.Parameters.AddWithValue("$to", RecordDatabase.Text(to));
        using var reader = select.ExecuteReader();
        Burst? burst = null;
        while (reader.Read())
        {
            var (source, label) = (reader.GetString(0), reader.GetString(1));
            var at = Time(reader.GetString(3));
            var file = reader.GetString(6);
            if (burst is not null && (burst.Source != source || burst.Label != label || at - burst.Last > burstGap))
            {
                if (burst.First >= from)
                {
                    yield return burst.ToSighting();
                }

                burst = null;
            }

            burst ??= new Burst(source, label, reader.GetString(2), at, reader.IsDBNull(4) ? null : new GeoPosition(reader.GetDouble(4), reader.GetDouble(5)));
            burst.Add(at, file);
        }

        if (burst is not null && burst.First >= from)
        {
            yield return burst.ToSighting();
        }

        foreach (var animal in RecordDatabase.Animals(_connection, sameAnimalWithin).Where(a => a.FirstSeen >= from && a.FirstSeen < to))
        {
            yield return new Sighting(
                animal.SourceId, animal.Label, animal.Category, animal.FirstSeen, animal.LastSeen == default ? animal.FirstSeen : animal.LastSeen, 0, 1,
                animal.Position ?? animal.Recorded, "track", animal.TrackId);
        }
    }

    /// <summary>The camera-trap pictures done, taken in [<paramref name="from"/>, <paramref name="to"/>) (without capture times: done then).</summary>
    public IEnumerable<PictureRow> Pictures(DateTimeOffset from, DateTimeOffset to)
    {
        var taken = HasPictureTimes ? "COALESCE(captured_at, done_at)" : "done_at";
        var size = HasPictureTimes ? "width, height" : "NULL, NULL";
        using var select = _connection.Command($"""
            SELECT source_id, path, {taken}, {size}, detections, failure FROM files_done
            WHERE {taken} >= $from AND {taken} < $to ORDER BY source_id, {taken}, path
            """);
        select.Parameters.AddWithValue("$from", RecordDatabase.Text(from));
        select.Parameters.AddWithValue("$to", RecordDatabase.Text(to));
        using var reader = select.ExecuteReader();
        while (reader.Read())
        {
            yield return new PictureRow(
                reader.GetString(0), reader.GetString(1), Time(reader.GetString(2)), reader.IsDBNull(3) ? null : reader.GetInt32(3),
                reader.IsDBNull(4) ? null : reader.GetInt32(4), reader.GetInt32(5), reader.IsDBNull(6) ? null : reader.GetString(6));
        }
    }

    /// <summary>The camera-trap detections taken in [<paramref name="from"/>, <paramref name="to"/>).</summary>
    public IEnumerable<DetectionRow> Detections(DateTimeOffset from, DateTimeOffset to)
    {
        using var select = _connection.Command($"""
            SELECT id, source_id, {(_hasFilePaths ? "file_path" : "NULL")}, captured_at, label, category, confidence, x, y, width, height FROM detections
            WHERE track_id IS NULL AND captured_at >= $from AND captured_at < $to ORDER BY id
            """);
        select.Parameters.AddWithValue("$from", RecordDatabase.Text(from));
        select.Parameters.AddWithValue("$to", RecordDatabase.Text(to));
        using var reader = select.ExecuteReader();
        while (reader.Read())
        {
            yield return new DetectionRow(
                reader.GetInt64(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2), Time(reader.GetString(3)), reader.GetString(4),
                reader.GetString(5), reader.GetFloat(6), reader.GetFloat(7), reader.GetFloat(8), reader.GetFloat(9), reader.GetFloat(10));
        }
    }

    /// <summary>Detections suppressed in [<paramref name="from"/>, <paramref name="to"/>) by reason; null when this database did not record them.</summary>
    public SortedDictionary<string, int>? Suppressed(DateTimeOffset from, DateTimeOffset to)
    {
        if (!_connection.HasColumn("suppressed", "reason"))
        {
            return null;
        }

        using var select = _connection.Command("SELECT reason, COUNT(*) FROM suppressed WHERE captured_at >= $from AND captured_at < $to GROUP BY reason");
        select.Parameters.AddWithValue("$from", RecordDatabase.Text(from));
        select.Parameters.AddWithValue("$to", RecordDatabase.Text(to));
        using var reader = select.ExecuteReader();
        var counts = new SortedDictionary<string, int>(StringComparer.Ordinal);
        while (reader.Read())
        {
            counts[reader.GetString(0)] = reader.GetInt32(1);
        }

        return counts;
    }

    /// <summary>
    /// Per source, how long in [<paramref name="from"/>, <paramref name="to"/>) (not past
    /// <paramref name="now"/>) it was down (reconnecting, failed or starting), how long the agent was
    /// stopped, and how many times it went down; null when this database did not record states.
    /// </summary>
    public SortedDictionary<string, Downtime>? Downtimes(DateTimeOffset from, DateTimeOffset to, DateTimeOffset now)
    {
        if (!_connection.HasColumn("source_states", "state"))
        {
            return null;
        }

        var end = to < now ? to : now;
        var result = new SortedDictionary<string, Downtime>(StringComparer.Ordinal);
        using var select = _connection.Command("SELECT source_id, at, state FROM source_states WHERE at < $to ORDER BY source_id, at, rowid");
        select.Parameters.AddWithValue("$to", RecordDatabase.Text(end));
        using var reader = select.ExecuteReader();
        (string Source, DateTimeOffset At, string State)? previous = null;
        void Close(DateTimeOffset until)
        {
            if (previous is not { } p)
            {
                return;
            }

            var (start, stop) = (p.At > from ? p.At : from, until < end ? until : end);
            var spent = stop > start ? stop - start : TimeSpan.Zero;
            var sum = result.GetValueOrDefault(p.Source);
            result[p.Source] = p.State switch
            {
                "up" => sum,
                "stopped" => sum with { Stopped = sum.Stopped + spent },
                _ => sum with { Down = sum.Down + spent, Outages = sum.Outages + (p.At >= from && p.State != "starting" ? 1 : 0) },
            };
        }

        while (reader.Read())
        {
            var row = (Source: reader.GetString(0), At: Time(reader.GetString(1)), State: reader.GetString(2));
            Close(previous is { } p && p.Source == row.Source ? row.At : end);
            previous = row;
        }

        Close(end);
        return result;
    }

    /// <summary>The first and last capture time of anything recorded, or null for an empty database.</summary>
    public (DateTimeOffset First, DateTimeOffset Last)? Extent()
    {
        using var select = _connection.Command("""
            SELECT MIN(t), MAX(t) FROM (SELECT MIN(captured_at) AS t FROM detections UNION ALL SELECT MAX(captured_at) FROM detections
                                        UNION ALL SELECT MIN(first_seen) FROM tracks UNION ALL SELECT MAX(last_seen) FROM tracks)
            """);
        using var reader = select.ExecuteReader();
        return reader.Read() && !reader.IsDBNull(0) ? (Time(reader.GetString(0)), Time(reader.GetString(1))) : null;
    }

    /// <inheritdoc />
    public void Dispose() => _connection.Dispose();

    private static DateTimeOffset Time(string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    private sealed class Burst(string source, string label, string category, DateTimeOffset first, GeoPosition? position)
    {
        private string? _picture;
        private int _inPicture;
        private int _pictures;
        private int _most;

        public string Source { get; } = source;

        public string Label { get; } = label;

        public DateTimeOffset First { get; } = first;

        public DateTimeOffset Last { get; private set; } = first;

        public void Add(DateTimeOffset at, string picture)
        {
            Last = at;
            if (picture != _picture)
            {
                (_picture, _inPicture) = (picture, 0);
                _pictures++;
            }

            _most = Math.Max(_most, ++_inPicture);
        }

        public Sighting ToSighting() => new(
            Source, Label, category, First, Last, _pictures, _most, position, "burst",
            $"{Source}:{Label}:{First.UtcDateTime.ToString("yyyyMMdd'T'HHmmss", CultureInfo.InvariantCulture)}");
    }
}
