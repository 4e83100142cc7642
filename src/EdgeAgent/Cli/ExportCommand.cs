namespace EdgeAgent.Cli;

using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using EdgeAgent.Configuration;

/// <summary>
/// <c>edge-agent export --config FILE [--source ID] [--from T] [--to T]</c>: what was seen, where, as a
/// GeoJSON FeatureCollection of points (RFC 7946, [longitude, latitude]) for QGIS or a ranger's map:
/// one per video track and per placed camera-trap detection.
/// </summary>
internal static class ExportCommand
{
    public static Command Create()
    {
        var source = new Option<string?>("--source") { Description = "Only this source (a drone's stream, a camera)" };
        var from = EdgeAgentCommandLine.TimeOption("--from", "Only what was seen from this time (ISO 8601; UTC unless it names a zone)");
        var to = EdgeAgentCommandLine.TimeOption("--to", "Only what was seen until this time (ISO 8601; UTC unless it names a zone)");
        return EdgeAgentCommandLine.ConfigVerb("export", "Print the placed tracks and detections as GeoJSON points, for a map", [source, from, to], (parse, configuration, _) =>
        {
            if (parse.GetValue(from) is { } first && parse.GetValue(to) is { } last && first > last)
            {
                throw new ConfigurationException($"--from {first:O} is after --to {last:O}: nothing can be between them");
            }

            var database = configuration.ExistingDatabase();

            var records = RecordsOpener.Open(database.Path, configuration["Detector:Model"]).Records;
            var features = new JsonArray();
            foreach (var r in records.Placed(parse.GetValue(source), parse.GetValue(from), parse.GetValue(to)))
            {
                features.Add(new JsonObject
                {
                    ["type"] = "Feature",
                    ["geometry"] = new JsonObject { ["type"] = "Point", ["coordinates"] = new JsonArray(Math.Round(r.Position.Longitude, 7), Math.Round(r.Position.Latitude, 7)) },
                    ["properties"] = new JsonObject
                    {
                        ["kind"] = r.Kind,
                        ["source"] = r.SourceId,
                        ["track_id"] = r.TrackId,
                        ["label"] = r.Label,
                        ["category"] = r.Category,
                        ["taxon"] = r.Taxon?.Display,
                        ["scientific_name"] = r.Taxon?.ScientificName,
                        ["taxon_rank"] = r.Taxon?.Rank,
                        ["confidence"] = Math.Round(r.Confidence, 3),
                        ["first_seen"] = r.FirstSeen.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
                        ["last_seen"] = r.LastSeen.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
                        ["frames"] = r.Frames,
                        ["uncertainty_m"] = r.Uncertainty is { } u ? Math.Round(u, 1) : null,
                        ["placed_by"] = r.PlacedBy,
                        ["picture"] = r.Picture,
                        ["alert_id"] = r.AlertId,
                    },
                });
            }

            Console.WriteLine(new JsonObject { ["type"] = "FeatureCollection", ["features"] = features }.ToJsonString());
            return Task.FromResult(0);
        });
    }
}
