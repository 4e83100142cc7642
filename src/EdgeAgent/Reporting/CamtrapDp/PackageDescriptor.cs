namespace EdgeAgent.Reporting.CamtrapDp;

using System.Text.Json.Nodes;
using EdgeAgent.Common.Observations;
using static EdgeAgent.Reporting.CamtrapDp.CamtrapFormat;

/// <summary>The package's <c>datapackage.json</c>: its resources, project, spatial and temporal coverage and the taxa it names.</summary>
internal static class PackageDescriptor
{
    private const string Base = "https://raw.githubusercontent.com/tdwg/camtrap-dp/" + CamtrapDpExport.Version + "/";

    public static JsonObject Build(BiodiversityReport report, List<GeoPosition> positions, (DateTimeOffset First, DateTimeOffset Last)? covered, IReadOnlySet<Taxon> taxa, DateTimeOffset now)
    {
        var device = report.Site.DeviceId;
        JsonObject Resource(string name) => new()
        {
            ["name"] = name,
            ["path"] = $"{name}.csv",
            ["profile"] = "tabular-data-resource",
            ["format"] = "csv",
            ["mediatype"] = "text/csv",
            ["encoding"] = "utf-8",
            ["schema"] = $"{Base}{name}-table-schema.json",
        };
        return new JsonObject
        {
            ["resources"] = new JsonArray(Resource("deployments"), Resource("media"), Resource("observations")),
            ["profile"] = $"{Base}camtrap-dp-profile.json",
            ["name"] = new string($"edge-agent-{device}-{report.From:yyyyMMdd}-{report.To:yyyyMMdd}".ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' ? c : '-').ToArray()),
            ["id"] = Guid.CreateVersion7().ToString(),
            ["created"] = Timestamp(now),
            ["title"] = $"Camera observations of {device}, {report.From:yyyy-MM-dd} to {report.To:yyyy-MM-dd}",
            ["contributors"] = new JsonArray(new JsonObject { ["title"] = $"edge-agent {device}", ["role"] = "contributor" }),
            ["description"] = "Exported by edge-agent. Classifications are machine-made (a detector, and a species classifier where one is configured; its name is in classifiedBy), not reviewed by people; an animal the machine was unsure of carries the coarser taxon it was sure of; the detector's labels are in observationTags.",
            ["project"] = new JsonObject
            {
                ["title"] = $"edge-agent {device}",
                ["samplingDesign"] = "opportunistic",
                ["captureMethod"] = new JsonArray("activityDetection"),
                ["individualAnimals"] = false,
                ["observationLevel"] = new JsonArray("media", "event"),
            },
            ["spatial"] = Spatial(positions),

            // The deployments' own span (what was recorded), not the period asked for, which may end in the future.
            ["temporal"] = covered is { } span
                ? new JsonObject { ["start"] = span.First.UtcDateTime.ToString("yyyy-MM-dd", C), ["end"] = span.Last.UtcDateTime.ToString("yyyy-MM-dd", C) }
                : new JsonObject { ["start"] = report.From.ToString("yyyy-MM-dd", C), ["end"] = report.To.ToString("yyyy-MM-dd", C) },
            ["taxonomic"] = new JsonArray(taxa.DistinctBy(ScientificName).OrderBy(ScientificName, StringComparer.Ordinal).Select(Taxonomic).ToArray()),
        };
    }

    private static JsonArray Point(double longitude, double latitude) => new(Math.Round(longitude, 6), Math.Round(latitude, 6));

    /// <summary>The deployments' extent as GeoJSON: a point for one place, their bounding box when it encloses an area, else the points (cameras in a line).</summary>
    private static JsonObject Spatial(List<GeoPosition> positions)
    {
        var places = positions.Select(p => (Longitude: Math.Round(p.Longitude, 6), Latitude: Math.Round(p.Latitude, 6))).Distinct().ToList();
        if (places.Count <= 1)
        {
            var (longitude, latitude) = places.Count == 0 ? (0, 0) : places[0];
            return new JsonObject { ["type"] = "Point", ["coordinates"] = Point(longitude, latitude) };
        }

        var (south, north) = (places.Min(p => p.Latitude), places.Max(p => p.Latitude));
        var (west, east) = (places.Min(p => p.Longitude), places.Max(p => p.Longitude));
        return south == north || west == east
            ? new JsonObject { ["type"] = "MultiPoint", ["coordinates"] = new JsonArray(places.Select(p => (JsonNode)Point(p.Longitude, p.Latitude)).ToArray()) }
            : new JsonObject
            {
                ["type"] = "Polygon",
                ["coordinates"] = new JsonArray(new JsonArray(Point(west, south), Point(east, south), Point(east, north), Point(west, north), Point(west, south))),
            };
    }

    /// <summary>A taxon of the package's coverage, with the ranks above it and its English common name where the taxonomy gives one.</summary>
    private static JsonNode Taxonomic(Taxon taxon)
    {
        var entry = new JsonObject { ["scientificName"] = ScientificName(taxon), ["taxonRank"] = taxon.Rank, ["kingdom"] = "Animalia" };
        foreach (var (rank, name) in new[] { ("class", taxon.Class), ("order", taxon.Order), ("family", taxon.Family), ("genus", taxon.Genus) })
        {
            if (name.Length > 0)
            {
                entry[rank] = Capitalized(name);
            }
        }

        if (taxon.CommonName.Length > 0 && taxon.Rank != "kingdom")
        {
            entry["vernacularNames"] = new JsonObject { ["eng"] = taxon.CommonName };
        }

        return entry;
    }
}
