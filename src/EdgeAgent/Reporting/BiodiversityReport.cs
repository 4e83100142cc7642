namespace EdgeAgent.Reporting;

using EdgeAgent.Alerting.Geofencing;
using EdgeAgent.Recording;

/// <summary>The site a report is about: its zones, its cameras (positions and time zones) and how the records count.</summary>
/// <param name="Zones">The zones sightings are placed in.</param>
/// <param name="Cameras">Fixed cameras and camera traps, with their positions and time zones.</param>
/// <param name="BurstGap">Pictures of one camera and label closer than this are one burst (Recording:BurstGap).</param>
/// <param name="SameAnimalWithin">Tracks of one flight placed closer than this (m) are one animal (Recording:SameAnimalWithin).</param>
/// <param name="DeviceId">This agent's name (Alerting:DeviceId).</param>
public sealed record ReportSite(ZoneMap Zones, IReadOnlyList<CameraSite> Cameras, TimeSpan BurstGap, double SameAnimalWithin, string DeviceId);

/// <summary>
/// The numbers of a biodiversity report over a period, gathered in one pass over the sightings (so
/// a million detections need not be in memory at once): counts per day, week, camera and zone, diel
/// activity in each camera's clock time, first sightings, threats per zone and hour, and data quality.
/// </summary>
public sealed class BiodiversityReport
{
    /// <summary>The zone name of a sighting in no zone.</summary>
    public const string NoZone = "(outside every zone)";

    private readonly Dictionary<(double, double), string[]> _zonesAt = [];
    private readonly Dictionary<string, TimeZoneInfo> _timeZones;
    private readonly ReportSite _site;

    private BiodiversityReport(ReportSite site, DateOnly from, DateOnly to)
    {
        _site = site;
        From = from;
        To = to;
        _timeZones = site.Cameras.Where(c => c.TimeZone.Length > 0)
            .ToDictionary(c => c.Id, c => TimeZoneInfo.FindSystemTimeZoneById(c.TimeZone), StringComparer.Ordinal);
    }

    /// <summary>First day of the period (UTC).</summary>
    public DateOnly From { get; }

    /// <summary>Last day of the period (UTC), included.</summary>
    public DateOnly To { get; }

    /// <summary>The site.</summary>
    public ReportSite Site => _site;

    // Sightings are kept by name: the taxon they were named as (common name with the scientific name,
    // or the rank), or the detector's label for what has no taxon (people, vehicles).

    /// <summary>Sightings per (UTC day, name).</summary>
    public SortedDictionary<(DateOnly Day, string Name), int> PerDay { get; } = [];

    /// <summary>Sightings per (ISO week's Monday, name).</summary>
    public SortedDictionary<(DateOnly Week, string Name), int> PerWeek { get; } = [];

    /// <summary>Sightings and individuals per (camera, name).</summary>
    public SortedDictionary<(string Camera, string Name), (int Sightings, int Individuals)> PerCamera { get; } = [];

    /// <summary>Sightings per (zone, name); a sighting in overlapping zones counts in each.</summary>
    public SortedDictionary<(string Zone, string Name), int> PerZone { get; } = [];

    /// <summary>Per name, sightings by hour of the day in the camera's clock time.</summary>
    public SortedDictionary<string, int[]> Diel { get; } = new(StringComparer.Ordinal);

    /// <summary>Per name, its first sighting in the period.</summary>
    public SortedDictionary<string, (Sighting Sighting, string Zone)> First { get; } = new(StringComparer.Ordinal);

    /// <summary>People and vehicles per (zone, hour of the day in the camera's clock time).</summary>
    public SortedDictionary<(string Zone, int Hour), int> Threats { get; } = [];

    /// <summary>Per name, its category and what its sightings are (bursts, tracks).</summary>
    public SortedDictionary<string, (string Category, SortedSet<string> Units)> Names { get; } = new(StringComparer.Ordinal);

    /// <summary>Camera-trap pictures finished in the period.</summary>
    public int Pictures { get; private set; }

    /// <summary>Pictures that could not be processed, by reason.</summary>
    public SortedDictionary<string, int> Failures { get; } = new(StringComparer.Ordinal);

    /// <summary>Detections suppressed by reason (mask, overlay, static); null when the database did not record them.</summary>
    public SortedDictionary<string, int>? Suppressed { get; private set; }

    /// <summary>Per source, its downtime in the period; null when the database did not record sources' states.</summary>
    public SortedDictionary<string, Downtime>? Downtimes { get; private set; }

    /// <summary>Sightings in all.</summary>
    public int Sightings { get; private set; }

    /// <summary>Whether the database recorded pictures' capture times (else the period of a picture is when it was processed).</summary>
    public bool PictureTimesRecorded { get; private set; }

    /// <summary>Gathers the report of [<paramref name="from"/>, <paramref name="to"/>] (UTC days, both included).</summary>
    public static BiodiversityReport Gather(RecordQueries records, ReportSite site, DateOnly from, DateOnly to, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(site);
        var report = new BiodiversityReport(site, from, to) { PictureTimesRecorded = records.HasPictureTimes };
        var (start, end) = Bounds(from, to);
        report.Suppressed = records.Suppressed(start, end);
        report.Downtimes = records.Downtimes(start, end, now);
        foreach (var sighting in records.Sightings(start, end, site.BurstGap, site.SameAnimalWithin))
        {
            report.Add(sighting);
        }

        foreach (var picture in records.Pictures(start, end))
        {
            report.Pictures++;
            if (picture.Failure is { } failure)
            {
                // Reasons name the file; the report groups them by what went wrong.
                var reason = failure.Split(':', 2)[0];
                report.Failures[reason] = report.Failures.GetValueOrDefault(reason) + 1;
            }
        }

        return report;
    }

    /// <summary>The period as instants: from the first day's midnight to the midnight after the last day, UTC.</summary>
    public static (DateTimeOffset Start, DateTimeOffset End) Bounds(DateOnly from, DateOnly to) =>
        (new DateTimeOffset(from.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero), new DateTimeOffset(to.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero));

    /// <summary>A sighting's zones (ids), none when it has no position or lies outside them all.</summary>
    public IReadOnlyList<string> ZonesOf(Sighting sighting)
    {
        ArgumentNullException.ThrowIfNull(sighting);
        if (sighting.Position is not { } p)
        {
            return [];
        }

        if (!_zonesAt.TryGetValue((p.Latitude, p.Longitude), out var zones))
        {
            zones = [.. _site.Zones.ZonesAt(p).Select(z => z.Id)];
            if (_zonesAt.Count < 100_000)
            {
                _zonesAt[(p.Latitude, p.Longitude)] = zones;
            }
        }

        return zones;
    }

    /// <summary>The clock time a camera shows: its time zone's, UTC for a camera without one.</summary>
    public DateTimeOffset Local(string sourceId, DateTimeOffset at) =>
        _timeZones.TryGetValue(sourceId, out var zone) ? TimeZoneInfo.ConvertTime(at, zone) : at.ToUniversalTime();

    /// <summary>The camera's time zone's name, or UTC.</summary>
    public string TimeZoneOf(string sourceId) => _timeZones.TryGetValue(sourceId, out var zone) ? zone.Id : "UTC";

    private void Add(Sighting s)
    {
        Sightings++;
        var name = s.Name;
        var day = DateOnly.FromDateTime(s.Start.UtcDateTime);
        Increment(PerDay, (day, name));
        Increment(PerWeek, (day.AddDays(-(((int)day.DayOfWeek + 6) % 7)), name));
        var camera = PerCamera.GetValueOrDefault((s.SourceId, name));
        PerCamera[(s.SourceId, name)] = (camera.Sightings + 1, camera.Individuals + s.Count);
        var zones = ZonesOf(s);
        foreach (var zone in zones.Count == 0 ? [NoZone] : zones)
        {
            Increment(PerZone, (zone, name));
        }

        var hour = Local(s.SourceId, s.Start).Hour;
        if (!Diel.TryGetValue(name, out var hours))
        {
            Diel[name] = hours = new int[24];
        }

        hours[hour]++;
        if (!First.TryGetValue(name, out var first) || s.Start < first.Sighting.Start)
        {
            First[name] = (s, zones.Count == 0 ? NoZone : string.Join(", ", zones));
        }

        if (s.Category is "person" or "vehicle")
        {
            foreach (var zone in zones.Count == 0 ? [NoZone] : zones)
            {
                Increment(Threats, (zone, hour));
            }
        }

        if (!Names.TryGetValue(name, out var kind))
        {
            Names[name] = kind = (s.Category, new SortedSet<string>(StringComparer.Ordinal));
        }

        kind.Units.Add(s.Unit == "burst" ? "bursts" : "tracks");
    }

    private static void Increment<TKey>(SortedDictionary<TKey, int> counts, TKey key)
        where TKey : notnull => counts[key] = counts.GetValueOrDefault(key) + 1;
}
