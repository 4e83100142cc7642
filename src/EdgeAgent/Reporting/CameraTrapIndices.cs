namespace EdgeAgent.Reporting;

/// <summary>
/// What camera-trap studies compute first (as camtrapR and Wildlife Insights do), from the report's
/// animal sightings and the sources' recorded up time, which is their effort: camera-days per camera;
/// the relative abundance index (sightings per 100 camera-days) per camera and taxon; naive occupancy
/// (the share of cameras with effort that saw the taxon); and the species accumulation (taxa found
/// against cumulative camera-days, day by day).
/// </summary>
/// <param name="CameraDays">Per camera, the days it was up in the period.</param>
/// <param name="Abundance">Per camera and taxon: sightings and sightings per 100 camera-days.</param>
/// <param name="Occupancy">Per taxon: cameras that saw it, cameras with effort, and their ratio.</param>
/// <param name="Accumulation">Per day with effort: cumulative camera-days and taxa found so far.</param>
public sealed record CameraTrapIndices(
    IReadOnlyDictionary<string, double> CameraDays,
    IReadOnlyList<(string Camera, string Name, int Sightings, double Rai)> Abundance,
    IReadOnlyList<(string Name, int Cameras, int WithEffort, double Occupancy)> Occupancy,
    IReadOnlyList<(DateOnly Day, double CameraDays, int Taxa)> Accumulation)
{
    /// <summary>The indices of a report; null when its database did not record the sources' states (no effort).</summary>
    public static CameraTrapIndices? Of(BiodiversityReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        if (report.Downtimes is not { } states)
        {
            return null;
        }

        var cameraDays = states.Where(s => s.Value.Up > TimeSpan.Zero).ToDictionary(s => s.Key, s => s.Value.Up.TotalDays, StringComparer.Ordinal);
        var animals = report.Names.Where(n => n.Value.Category == "animal").Select(n => n.Key).ToHashSet(StringComparer.Ordinal);
        var seen = report.PerCamera.Where(c => animals.Contains(c.Key.Name)).ToList();
        var abundance = seen
            .Where(c => cameraDays.ContainsKey(c.Key.Camera))
            .Select(c => (c.Key.Camera, c.Key.Name, c.Value.Sightings, Rai: 100 * c.Value.Sightings / cameraDays[c.Key.Camera]))
            .ToList();
        var occupancy = animals
            .Select(name => (Name: name, Cameras: seen.Count(c => c.Key.Name == name && cameraDays.ContainsKey(c.Key.Camera)), WithEffort: cameraDays.Count))
            .Where(o => o.WithEffort > 0)
            .Select(o => (o.Name, o.Cameras, o.WithEffort, Occupancy: (double)o.Cameras / o.WithEffort))
            .OrderByDescending(o => o.Occupancy).ThenBy(o => o.Name, StringComparer.Ordinal)
            .ToList();

        // A taxon is found on the first day it was sighted; effort accrues day by day over every camera.
        var firstSeen = report.PerDay.Where(d => animals.Contains(d.Key.Name)).GroupBy(d => d.Key.Name).ToDictionary(g => g.Key, g => g.Min(d => d.Key.Day), StringComparer.Ordinal);
        var effortPerDay = states.Values.Where(s => s.UpPerDay is not null).SelectMany(s => s.UpPerDay!)
            .GroupBy(d => d.Key).OrderBy(g => g.Key).Select(g => (Day: g.Key, Days: g.Sum(d => d.Value.TotalDays)));
        var accumulation = new List<(DateOnly Day, double CameraDays, int Taxa)>();
        var cumulative = 0.0;
        foreach (var (day, days) in effortPerDay)
        {
            cumulative += days;
            accumulation.Add((day, cumulative, firstSeen.Count(f => f.Value <= day)));
        }

        return new CameraTrapIndices(cameraDays, abundance, occupancy, accumulation);
    }
}
