namespace EdgeAgent.Recording;

using System.Globalization;
using EdgeAgent.Common.Observations;
using Microsoft.Data.Sqlite;

/// <summary>
/// The records' read side, read-only, for everything that shows or counts them — <c>counts</c>,
/// <c>export</c>, <c>report</c> and the station page — so that none of them can change the field
/// station's data, and a report can be made beside a running agent. Each query has a connection of
/// its own. A database without the tables this version reads is refused with what is missing; what
/// later versions added (a picture's capture time and size) is used where present.
/// </summary>
public sealed class RecordQueries
{
    private static readonly (string Table, string Column)[] Required =
    [
        ("detections", "placed_by"), ("detections", "track_id"), ("tracks", "snapshot"), ("tracks", "flight_started"), ("files_done", "failure"),
    ];

    private readonly string _connectionString;
    private readonly bool _hasFilePaths;
    private readonly bool _hasSuppressed;
    private readonly bool _hasSourceStates;
    private readonly bool _hasTaxa;
    private readonly bool _hasClockIssues;
    private readonly IReadOnlyDictionary<string, Taxon> _labelTaxa;

    /// <summary>Opens a records database; a missing file or one of an older layout is a <see cref="ConfigurationException"/>.</summary>
    /// <param name="path">The database file.</param>
    /// <param name="labelTaxa">
    /// The taxa of the detector's animal labels (its manifest's taxonomy), for animals recorded before
    /// records kept taxa; without them such animals are known by their label only.
    /// </param>
    public RecordQueries(string path, IReadOnlyDictionary<string, Taxon>? labelTaxa = null)
    {
        _labelTaxa = labelTaxa ?? new Dictionary<string, Taxon>();
        Path = System.IO.Path.GetFullPath(path);
        if (!File.Exists(Path))
        {
            throw new ConfigurationException($"records database {Path} does not exist");
        }

        SqliteConnection connection;
        try
        {
            connection = SqliteFile.OpenReadOnly(Path);
        }
        catch (SqliteException e)
        {
            throw new ConfigurationException($"records database {Path}: cannot be read: {e.Message}", e);
        }

        using var _ = connection;
        _connectionString = connection.ConnectionString;
        List<string> missing;
        bool hasDetections;
        try
        {
            missing = Required.Where(r => !connection.HasColumn(r.Table, r.Column)).Select(r => $"{r.Table}.{r.Column}").ToList();
            hasDetections = connection.HasColumn("detections", "label");
        }
        catch (SqliteException e)
        {
            // A file that is not SQLite at all ("file is not a database").
            throw new ConfigurationException($"records database {Path} is not an edge-agent records database: {e.Message}", e);
        }

        if (!hasDetections)
        {
            // An empty file, or another program's database: nothing to read, and nothing is written to it.
            throw new ConfigurationException($"records database {Path} is not an edge-agent records database (it has no detections table)");
        }

        if (missing.Count > 0)
        {
            throw new ConfigurationException(
                $"records database {Path} was written by an older edge-agent (it lacks {string.Join(", ", missing)}): " +
                "start `edge-agent run` on it once to bring it up to date, then make the report");
        }

        HasPictureTimes = connection.HasColumn("files_done", "captured_at");
        _hasFilePaths = connection.HasColumn("detections", "file_path");
        _hasSuppressed = connection.HasColumn("suppressed", "reason");
        _hasSourceStates = connection.HasColumn("source_states", "state");
        _hasTaxa = connection.HasColumn("detections", "taxon") && connection.HasColumn("tracks", "taxon");
        _hasClockIssues = connection.HasColumn("files_done", "timestamp_issue");
    }

    /// <summary>The database file.</summary>
    public string Path { get; }

    /// <summary>Whether the pictures' capture times and sizes were recorded (versions from the report's on).</summary>
    public bool HasPictureTimes { get; }

    /// <summary>
    /// The sightings that began in [<paramref name="from"/>, <paramref name="to"/>): camera-trap
    /// bursts, read in one pass over the detections in time order, and the video animals.
    /// </summary>
    public IEnumerable<Sighting> Sightings(DateTimeOffset from, DateTimeOffset to, TimeSpan burstGap, double sameAnimalWithin)
    {
        // A burst that began before the period and runs into it belongs to the period before: read a gap earlier.
        // The picture a detection came from: its file where recorded, else its capture time.
        // Time order is the time index's own, so a month of a year's records is read without sorting it;
        // each camera and label has at most one burst open, closed by its next detection a gap later.
        var picture = _hasFilePaths ? "COALESCE(file_path, captured_at)" : "captured_at";
        using var connection = Open();
        using var select = connection.Command($"""
            SELECT source_id, label, category, captured_at, latitude, longitude, {picture}, {TaxonColumns}
            FROM detections WHERE track_id IS NULL AND captured_at >= $from AND captured_at < $to
            ORDER BY captured_at
            """);
        select.Parameters.AddWithValue("$from", RecordSchema.Text(from - burstGap));
        select.Parameters.AddWithValue("$to", RecordSchema.Text(to));
        using var reader = select.ExecuteReader();
        var open = new Dictionary<(string Source, string Label), Burst>();
        while (reader.Read())
        {
            var key = (Source: reader.GetString(0), Label: reader.GetString(1));
            var at = Time(reader.GetString(3));
            if (open.TryGetValue(key, out var burst) && at - burst.Last > burstGap)
            {
                if (burst.First >= from)
                {
                    yield return burst.ToSighting();
                }

                burst = null;
            }

            if (burst is null)
            {
                burst = new Burst(key.Source, key.Label, reader.GetString(2), at, reader.IsDBNull(4) ? null : new GeoPosition(reader.GetDouble(4), reader.GetDouble(5)));
                open[key] = burst;
            }

            burst.Add(at, reader.GetString(6), NamedAt(reader, 7, key.Label, burst.Category));
        }

        foreach (var burst in open.Values.Where(b => b.First >= from))
        {
            yield return burst.ToSighting();
        }

        foreach (var animal in Animals(sameAnimalWithin).Where(a => a.FirstSeen >= from && a.FirstSeen < to))
        {
            yield return new Sighting(
                animal.SourceId, animal.Label, animal.Category, animal.FirstSeen, animal.LastSeen == default ? animal.FirstSeen : animal.LastSeen, 0, 1,
                animal.Position ?? animal.Recorded, "track", animal.TrackId)
            { Named = animal.Named };
        }
    }

    /// <summary>
    /// Counts per day, category and label for the biodiversity trend — the sightings (<see cref="Sightings"/>)
    /// counted on the day they began: camera-trap bursts and video animals.
    /// </summary>
    /// <param name="burstGap">Pictures of one camera and label closer than this are one burst.</param>
    /// <param name="sameAnimalWithin">Tracks of one flight placed closer than this (metres) are one animal.</param>
    /// <param name="since">Only what began from then on; null: everything.</param>
    public IReadOnlyList<DailyCount> CountsPerDay(TimeSpan burstGap, double sameAnimalWithin = 0, DateTimeOffset? since = null) =>
        Sightings(since ?? DateTimeOffset.MinValue.AddYears(1), DateTimeOffset.MaxValue.AddYears(-1), burstGap, sameAnimalWithin)
            .GroupBy(s => (Day: s.Start.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), s.Category, s.Label, s.Named?.Taxon, Unit: s.Unit + "s"))
            .Select(g => new DailyCount(g.Key.Day, g.Key.Category, g.Key.Label, g.Count(), g.Key.Unit) { Taxon = g.Key.Taxon })
            .OrderBy(c => c.Day, StringComparer.Ordinal).ThenBy(c => c.Category, StringComparer.Ordinal)
            .ThenBy(c => c.Name, StringComparer.Ordinal).ThenBy(c => c.Label, StringComparer.Ordinal).ThenBy(c => c.Unit, StringComparer.Ordinal).ToList();

    /// <summary>
    /// The animals video sources saw, oldest first: each track is one (an animal that stays in view is
    /// one), except that within one run of a stream — a flight — a track placed on the ground within
    /// <paramref name="sameAnimalWithin"/> metres of an earlier track of its label is the same animal seen again.
    /// </summary>
    public IReadOnlyList<SeenAnimal> Animals(double sameAnimalWithin)
    {
        using var connection = Open();
        var animals = new List<SeenAnimal>();
        var placed = new Dictionary<(string Source, DateTimeOffset Flight, string Label), List<GeoPosition>>();

        using var tracks = connection.Command($"""
            SELECT source_id, flight_started, label, category, first_seen, latitude, longitude, placed_by, track_id, last_seen, snapshot, {TaxonColumns}
            FROM tracks ORDER BY first_seen
            """);
        using var reader = tracks.ExecuteReader();
        while (reader.Read())
        {
            var flight = reader.IsDBNull(1) ? DateTimeOffset.MinValue : Time(reader.GetString(1));
            var (source, label) = (reader.GetString(0), reader.GetString(2));
            GeoPosition? recorded = reader.IsDBNull(5) ? null : new GeoPosition(reader.GetDouble(5), reader.GetDouble(6));
            var position = reader.GetString(7) == "ground" ? recorded : null;
            if (position is { } at)
            {
                if (!placed.TryGetValue((source, flight, label), out var earlier))
                {
                    placed[(source, flight, label)] = earlier = [];
                }

                if (earlier.Exists(e => Placement.GroundProjection.Distance(e, at) <= sameAnimalWithin))
                {
                    continue;
                }

                earlier.Add(at);
            }

            animals.Add(new SeenAnimal(
                source, flight, label, reader.GetString(3), DateTimeOffset.Parse(reader.GetString(4), CultureInfo.InvariantCulture), position,
                reader.GetString(8), DateTimeOffset.Parse(reader.GetString(9), CultureInfo.InvariantCulture), reader.StringOrNull(10), recorded)
            { Named = NamedAt(reader, 11, label, reader.GetString(3)) });
        }

        return animals;
    }

    /// <summary>
    /// Every placed record — video tracks and camera-trap detections with a position — of a source (or
    /// all) seen between two times (or ever), oldest first: what a map of a flight or a site shows.
    /// </summary>
    /// <param name="source">The source, or null for all.</param>
    /// <param name="from">From when, or null.</param>
    /// <param name="to">Until when, or null.</param>
    /// <param name="latest">Only the latest this many, or null for all.</param>
    public IReadOnlyList<PlacedRecord> Placed(string? source, DateTimeOffset? from, DateTimeOffset? to, int? latest = null)
    {
        using var connection = Open();
        using var select = connection.Command($"""
            SELECT 'track', source_id, track_id, label, category, best_confidence, first_seen, last_seen, frames, latitude, longitude, uncertainty_m, placed_by, snapshot, alert_id,
                {TaxonColumns}
            FROM tracks WHERE latitude IS NOT NULL AND ($source IS NULL OR source_id = $source) AND ($from IS NULL OR last_seen >= $from) AND ($to IS NULL OR first_seen <= $to)
            UNION ALL
            SELECT 'detection', source_id, NULL, label, category, confidence, captured_at, captured_at, 1, latitude, longitude, uncertainty_m, placed_by, picture, alert_id,
                {TaxonColumns}
            FROM detections WHERE track_id IS NULL AND latitude IS NOT NULL AND ($source IS NULL OR source_id = $source) AND ($from IS NULL OR captured_at >= $from) AND ($to IS NULL OR captured_at <= $to)
            ORDER BY 7 DESC LIMIT $latest
            """);
        select.Parameters.AddWithValue("$latest", latest ?? -1);
        select.Parameters.AddWithValue("$source", (object?)source ?? DBNull.Value);
        select.Parameters.AddWithValue("$from", from is { } f ? RecordSchema.Text(f) : DBNull.Value);
        select.Parameters.AddWithValue("$to", to is { } t ? RecordSchema.Text(t) : DBNull.Value);
        var rows = select.Rows(r => new PlacedRecord(
            r.GetString(0), r.GetString(1), r.StringOrNull(2), r.GetString(3), r.GetString(4), r.GetFloat(5),
            DateTimeOffset.Parse(r.GetString(6), CultureInfo.InvariantCulture), DateTimeOffset.Parse(r.GetString(7), CultureInfo.InvariantCulture),
            r.GetInt32(8), new GeoPosition(r.GetDouble(9), r.GetDouble(10)), r.IsDBNull(11) ? null : r.GetDouble(11),
            r.GetString(12), r.StringOrNull(13), r.StringOrNull(14))
        { Taxon = NamedAt(r, 15, r.GetString(3), r.GetString(4))?.Taxon });

        rows.Reverse();
        return rows;
    }

    /// <summary>The latest records of a label — camera-trap detections and video tracks — newest first.</summary>
    public IReadOnlyList<LabelRecord> Latest(string label, int count)
    {
        using var connection = Open();
        using var select = connection.Command("""
            SELECT * FROM (
                SELECT 'detection', source_id, captured_at, confidence, latitude, longitude, alert_id FROM detections WHERE track_id IS NULL AND label = $label
                UNION ALL
                SELECT 'track', source_id, first_seen, best_confidence, latitude, longitude, alert_id FROM tracks WHERE label = $label)
            ORDER BY 3 DESC LIMIT $count
            """);
        select.Parameters.AddWithValue("$label", label);
        select.Parameters.AddWithValue("$count", count);
        return select.Rows(r => new LabelRecord(
            r.GetString(0), r.GetString(1), DateTimeOffset.Parse(r.GetString(2), CultureInfo.InvariantCulture), r.GetFloat(3),
            r.IsDBNull(4) ? null : new GeoPosition(r.GetDouble(4), r.GetDouble(5)), r.StringOrNull(6)));
    }

    /// <summary>The camera-trap pictures done, taken in [<paramref name="from"/>, <paramref name="to"/>) (without capture times: done then).</summary>
    public IEnumerable<PictureRow> Pictures(DateTimeOffset from, DateTimeOffset to)
    {
        var taken = HasPictureTimes ? "COALESCE(captured_at, done_at)" : "done_at";
        var size = HasPictureTimes ? "width, height" : "NULL, NULL";
        using var connection = Open();
        using var select = connection.Command($"""
            SELECT source_id, path, {taken}, {size}, detections, failure, {(_hasClockIssues ? "timestamp_issue" : "NULL")} FROM files_done
            WHERE {taken} >= $from AND {taken} < $to ORDER BY source_id, {taken}, path
            """);
        select.Parameters.AddWithValue("$from", RecordSchema.Text(from));
        select.Parameters.AddWithValue("$to", RecordSchema.Text(to));
        using var reader = select.ExecuteReader();
        while (reader.Read())
        {
            yield return new PictureRow(
                reader.GetString(0), reader.GetString(1), Time(reader.GetString(2)), reader.IsDBNull(3) ? null : reader.GetInt32(3),
                reader.IsDBNull(4) ? null : reader.GetInt32(4), reader.GetInt32(5), reader.StringOrNull(6))
            {
                TimestampIssue = reader.StringOrNull(7),
            };
        }
    }

    /// <summary>The camera-trap detections taken in [<paramref name="from"/>, <paramref name="to"/>).</summary>
    public IEnumerable<DetectionRow> Detections(DateTimeOffset from, DateTimeOffset to)
    {
        using var connection = Open();
        using var select = connection.Command($"""
            SELECT id, source_id, {(_hasFilePaths ? "file_path" : "NULL")}, captured_at, label, category, confidence, x, y, width, height, {TaxonColumns},
                {(_hasTaxa ? "taxon_method" : "NULL")} FROM detections
            WHERE track_id IS NULL AND captured_at >= $from AND captured_at < $to ORDER BY id
            """);
        select.Parameters.AddWithValue("$from", RecordSchema.Text(from));
        select.Parameters.AddWithValue("$to", RecordSchema.Text(to));
        using var reader = select.ExecuteReader();
        while (reader.Read())
        {
            yield return new DetectionRow(
                reader.GetInt64(0), reader.GetString(1), reader.StringOrNull(2), Time(reader.GetString(3)), reader.GetString(4),
                reader.GetString(5), reader.GetFloat(6), reader.GetFloat(7), reader.GetFloat(8), reader.GetFloat(9), reader.GetFloat(10))
            {
                Named = NamedAt(reader, 11, reader.GetString(4), reader.GetString(5), reader.GetFloat(6)),
                NamedBy = reader.IsDBNull(13) ? (reader.GetString(5) == "animal" && _labelTaxa.ContainsKey(reader.GetString(4)) ? "detector" : null) : reader.GetString(13),
            };
        }
    }

    /// <summary>Detections suppressed in [<paramref name="from"/>, <paramref name="to"/>) by reason; null when this database did not record them.</summary>
    public SortedDictionary<string, int>? Suppressed(DateTimeOffset from, DateTimeOffset to)
    {
        if (!_hasSuppressed)
        {
            return null;
        }

        using var connection = Open();
        using var select = connection.Command("SELECT reason, COUNT(*) FROM suppressed WHERE captured_at >= $from AND captured_at < $to GROUP BY reason");
        select.Parameters.AddWithValue("$from", RecordSchema.Text(from));
        select.Parameters.AddWithValue("$to", RecordSchema.Text(to));
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
        if (!_hasSourceStates)
        {
            return null;
        }

        var end = to < now ? to : now;
        var result = new SortedDictionary<string, Downtime>(StringComparer.Ordinal);
        var upPerDay = new Dictionary<string, SortedDictionary<DateOnly, TimeSpan>>(StringComparer.Ordinal);
        using var connection = Open();
        using var select = connection.Command("SELECT source_id, at, state FROM source_states WHERE at < $to ORDER BY source_id, at, rowid");
        select.Parameters.AddWithValue("$to", RecordSchema.Text(end));
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
            if (p.State == "up")
            {
                // Effort is counted per day, for the accumulation of species against camera-days.
                var days = upPerDay.TryGetValue(p.Source, out var known) ? known : upPerDay[p.Source] = [];
                for (var at = start; at < stop;)
                {
                    var midnight = new DateTimeOffset(at.UtcDateTime.Date.AddDays(1), TimeSpan.Zero);
                    var dayEnd = midnight < stop ? midnight : stop;
                    var day = DateOnly.FromDateTime(at.UtcDateTime);
                    days[day] = days.GetValueOrDefault(day) + (dayEnd - at);
                    at = dayEnd;
                }
            }

            result[p.Source] = p.State switch
            {
                "up" when stop > start => sum with { Up = sum.Up + spent, UpSpan = (sum.UpSpan?.First ?? start, stop) },
                "up" => sum,
                "stopped" => sum with { Stopped = sum.Stopped + spent },
                "ended" => sum, // a recorded file read to its end: neither effort nor an outage
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
        foreach (var (source, days) in upPerDay)
        {
            result[source] = result[source] with { UpPerDay = days };
        }

        return result;
    }

    /// <summary>The first and last capture time of anything recorded, or null for an empty database.</summary>
    public (DateTimeOffset First, DateTimeOffset Last)? Extent()
    {
        using var connection = Open();
        using var select = connection.Command("""
            SELECT MIN(t), MAX(t) FROM (SELECT MIN(captured_at) AS t FROM detections UNION ALL SELECT MAX(captured_at) FROM detections
                                        UNION ALL SELECT MIN(first_seen) FROM tracks UNION ALL SELECT MAX(last_seen) FROM tracks)
            """);
        using var reader = select.ExecuteReader();
        return reader.Read() && !reader.IsDBNull(0) ? (Time(reader.GetString(0)), Time(reader.GetString(1))) : null;
    }

    /// <summary>The taxon and its score, where the records keep them.</summary>
    private string TaxonColumns => _hasTaxa ? "taxon, taxon_score" : "NULL, NULL";

    /// <summary>
    /// What a row was named as, from the taxon and score at <paramref name="column"/>: the taxon it
    /// was recorded with, else (an animal recorded before records kept taxa) its label's taxon, with
    /// <paramref name="confidence"/> as its score.
    /// </summary>
    private Named? NamedAt(SqliteDataReader reader, int column, string label, string category, float confidence = 0)
    {
        if (!reader.IsDBNull(column))
        {
            return new Named(Taxon.Parse(reader.GetString(column)) ?? Taxon.Animal, reader.IsDBNull(column + 1) ? confidence : reader.GetFloat(column + 1));
        }

        return category == "animal" && _labelTaxa.TryGetValue(label, out var taxon) ? new Named(taxon, confidence) : null;
    }

    /// <summary>A connection of its own for each query (pooled): queries may run on several threads at once, beside the agent's writes.</summary>
    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        return connection;
    }

    private static DateTimeOffset Time(string text) => RecordSchema.Time(text);

    private sealed class Burst(string source, string label, string category, DateTimeOffset first, GeoPosition? position)
    {
        private readonly TaxonVote _vote = new();

        // Detections in each picture: a burst is a few pictures, and two taken in the same second may come in either order.
        private readonly Dictionary<string, int> _inPicture = new(StringComparer.Ordinal);
        private int _most;

        public string Source { get; } = source;

        public string Label { get; } = label;

        public DateTimeOffset First { get; } = first;

        public DateTimeOffset Last { get; private set; } = first;

        public string Category { get; } = category;

        public void Add(DateTimeOffset at, string picture, Named? named)
        {
            Last = at;
            _vote.Add(named is null ? null : new Classification(named.Taxon, named.Score, "", []));
            _most = Math.Max(_most, _inPicture[picture] = _inPicture.GetValueOrDefault(picture) + 1);
        }

        public Sighting ToSighting() => new(
            Source, Label, Category, First, Last, _inPicture.Count, _most, position, "burst",
            $"{Source}:{Label}:{First.UtcDateTime.ToString("yyyyMMdd'T'HHmmss", CultureInfo.InvariantCulture)}")
        { Named = _vote.Winner is { } winner ? new Named(winner.Taxon, winner.Score) : null };
    }
}
