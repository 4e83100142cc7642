namespace EdgeAgent.Cli;

using System.CommandLine;
using System.Globalization;
using EdgeAgent.Alerting.Geofencing;
using EdgeAgent.Configuration;
using EdgeAgent.Recording;

/// <summary>
/// <c>edge-agent counts --config FILE</c>: how many of each label were seen per day, as CSV, for the
/// biodiversity trend in a spreadsheet or R. Video counts tracks (an animal that stays in view is
/// one); camera traps count pictures, the pictures of one burst once. With <c>--flights</c>: per run
/// of each video source (a drone's flight), how many animals of each label in each zone.
/// </summary>
internal static class CountsCommand
{
    public static Command Create()
    {
        var flights = new Option<bool>("--flights") { Description = "Per flight (run of a video source): animals of each label in each zone" };
        return EdgeAgentCommandLine.ConfigVerb("counts", "Print per day how many of each label were seen (video: tracks; camera traps: bursts of pictures), as CSV", [flights], (parse, configuration, _) =>
        {
            var database = configuration.ExistingDatabase();
            var recording = configuration.Section<RecordingOptions>();

            var records = RecordsOpener.Open(database.Path, configuration["Detector:Model"]).Records;
            if (parse.GetValue(flights))
            {
                PrintFlights(records.Animals(recording.SameAnimalWithin), ZoneMap.Load(configuration.Section<GeofencingOptions>()));
                return Task.FromResult(0);
            }

            // The taxon columns come last, so that scripts reading the columns before them keep working.
            Console.WriteLine("day,category,label,count,unit,taxon,scientific_name,taxon_rank");
            foreach (var c in records.CountsPerDay(recording.BurstGap, recording.SameAnimalWithin))
            {
                Console.WriteLine($"{c.Day},{c.Category},{Quoted(c.Label)},{c.Count},{c.Unit},{Taxon(c.Taxon)}");
            }

            return Task.FromResult(0);
        });
    }

    /// <summary>
    /// One row per flight, label and zone an animal was placed in (an animal in two overlapping zones
    /// counts in each); animals placed outside every zone under an empty zone, and those never placed
    /// on the ground under <c>unplaced</c>.
    /// </summary>
    private static void PrintFlights(IReadOnlyList<SeenAnimal> animals, ZoneMap zones)
    {
        Console.WriteLine("source,flight_started,label,zone_id,zone,animals,taxon,scientific_name,taxon_rank");
        var rows = animals
            .SelectMany(a => (a.Position is { } at ? zones.ZonesAt(at).Select(z => (z.Id, z.Name)).DefaultIfEmpty(("", "")) : [("unplaced", "")])
                .Select(zone => (a.SourceId, a.Flight, a.Label, zone.Item1, zone.Item2, a.Named?.Taxon)))
            .GroupBy(r => r)
            .OrderBy(g => g.Key.SourceId, StringComparer.Ordinal).ThenBy(g => g.Key.Flight).ThenBy(g => g.Key.Label, StringComparer.Ordinal)
            .ThenBy(g => g.Key.Taxon?.Display, StringComparer.Ordinal).ThenBy(g => g.Key.Item4, StringComparer.Ordinal);
        foreach (var g in rows)
        {
            var (source, flight, label, zoneId, zone, taxon) = g.Key;
            Console.WriteLine($"{Quoted(source)},{flight.UtcDateTime.ToString("O", CultureInfo.InvariantCulture)},{Quoted(label)},{Quoted(zoneId)},{Quoted(zone)},{g.Count()},{Taxon(taxon)}");
        }
    }

    /// <summary>The taxon's columns: how people read it, its scientific name and rank; empty for what was not named (people, vehicles).</summary>
    private static string Taxon(Common.Observations.Taxon? taxon) =>
        taxon is null ? ",," : $"{Quoted(taxon.Display)},{Quoted(taxon.ScientificName)},{taxon.Rank}";

    private static string Quoted(string text) => $"\"{text.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";
}
