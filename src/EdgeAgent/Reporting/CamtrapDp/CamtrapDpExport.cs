namespace EdgeAgent.Reporting.CamtrapDp;

using System.Text.Json;
using EdgeAgent.Recording;

/// <summary>
/// Writes the records of a period as a Camera Trap Data Package (Camtrap DP 1.0.2, the TDWG
/// standard that Agouti, Wildlife Insights and camtraptor read): <c>datapackage.json</c> and the
/// <c>deployments</c>, <c>media</c> and <c>observations</c> tables as CSV. A source is a deployment
/// over the time it was up (see <see cref="DeploymentsTable.Place"/>); every camera-trap picture is a medium; every detection a media-level
/// observation (machine-classified, with its box and confidence), a blank picture a <c>blank</c>
/// one; every video track an event-level observation.
/// </summary>
public static class CamtrapDpExport
{
    /// <summary>The version of the standard written.</summary>
    public const string Version = "1.0.2";

    /// <summary>What was written, the sources left out for want of a position, the pictures copied in and those whose place is not known.</summary>
    public sealed record Summary(int Deployments, int Media, int Observations, IReadOnlyList<string> LeftOut)
    {
        /// <summary>Pictures copied into the package.</summary>
        public int Copied { get; init; }

        /// <summary>Pictures whose location is not known: named by their path in their drop folder.</summary>
        public int Unlocated { get; init; }
    }

    /// <summary>Writes the package of [<paramref name="report"/>'s period] into <paramref name="folder"/>.</summary>
    public static Summary Write(RecordQueries records, BiodiversityReport report, string folder, string classifiedBy, DateTimeOffset now, MediaLocation? location = null)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(report);
        location ??= MediaLocation.Unknown;
        Directory.CreateDirectory(folder);
        var (start, end) = BiodiversityReport.Bounds(report.From, report.To);
        var pictures = records.Pictures(start, end).Where(p => p.Failure is null).ToList();
        // The sightings are read once, keeping only the video tracks and each source's placed positions: a month of a large site is millions of rows.
        var tracks = new List<Sighting>();
        var placed = new Dictionary<string, (double Latitude, double Longitude, int Count)>(StringComparer.Ordinal);
        foreach (var sighting in records.Sightings(start, end, report.Site.BurstGap, report.Site.SameAnimalWithin))
        {
            if (sighting.Unit == "track")
            {
                tracks.Add(sighting);
            }

            if (sighting.Position is { } at)
            {
                var sum = placed.GetValueOrDefault(sighting.SourceId);
                placed[sighting.SourceId] = (sum.Latitude + at.Latitude, sum.Longitude + at.Longitude, sum.Count + 1);
            }
        }

        var (deployments, leftOut) = DeploymentsTable.Place(report, pictures, tracks, placed);
        pictures.RemoveAll(p => !deployments.ContainsKey(p.SourceId));
        tracks.RemoveAll(t => !deployments.ContainsKey(t.SourceId));
        DeploymentsTable.Write(Path.Combine(folder, "deployments.csv"), deployments.Values, pictures);
        var (mediaIds, copied, unlocated) = MediaTable.Write(records, pictures, location, folder, start, end);
        var (observations, taxa) = ObservationsTable.Write(records, pictures, tracks, mediaIds, folder, classifiedBy, start, end);
        var covered = deployments.Count == 0 ? ((DateTimeOffset, DateTimeOffset)?)null : (deployments.Values.Min(d => d.Start), deployments.Values.Max(d => d.End));
        var package = PackageDescriptor.Build(report, deployments.Values.Select(d => d.Position).ToList(), covered, taxa, now);
        File.WriteAllText(Path.Combine(folder, "datapackage.json"), package.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        return new Summary(deployments.Count, pictures.Count, observations, leftOut) { Copied = copied, Unlocated = unlocated };
    }
}
