namespace EdgeAgent.IntegrationTests;

using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

/// <summary>
/// Checks a Camtrap DP 1.0.2 package against what the standard requires, as its documentation and
/// schemas state it (written here from them, not taken from the exporter): the package's required
/// properties, each table's columns in order, required values, types, ranges, vocabularies, unique
/// ids and the foreign keys between the tables. Returns every problem found.
/// </summary>
internal static partial class CamtrapDpChecks
{
    private const string Base = "https://raw.githubusercontent.com/tdwg/camtrap-dp/1.0.2/";

    private enum Kind
    {
        Text,
        Number,
        Integer,
        Boolean,
        DateTime,
    }

    private sealed record Field(string Name, Kind Kind = Kind.Text, bool Required = false, double? Min = null, double? Max = null, string[]? Enum = null, string? Pattern = null);

    private static readonly Field[] Deployments =
    [
        new("deploymentID", Required: true), new("locationID"), new("locationName"),
        new("latitude", Kind.Number, true, -90, 90), new("longitude", Kind.Number, true, -180, 180), new("coordinateUncertainty", Kind.Integer, Min: 1),
        new("deploymentStart", Kind.DateTime, true), new("deploymentEnd", Kind.DateTime, true), new("setupBy"), new("cameraID"), new("cameraModel"),
        new("cameraDelay", Kind.Integer, Min: 0), new("cameraHeight", Kind.Number, Min: 0), new("cameraDepth", Kind.Number, Min: 0),
        new("cameraTilt", Kind.Integer, Min: -90, Max: 90), new("cameraHeading", Kind.Integer, Min: 0, Max: 360), new("detectionDistance", Kind.Number, Min: 0),
        new("timestampIssues", Kind.Boolean), new("baitUse", Kind.Boolean),
        new("featureType", Enum: ["roadPaved", "roadDirt", "trailHiking", "trailGame", "roadUnderpass", "roadOverpass", "roadBridge", "culvert", "burrow", "nestSite", "carcass", "waterSource", "fruitingTree"]),
        new("habitat"), new("deploymentGroups"), new("deploymentTags"), new("deploymentComments"),
    ];

    private static readonly Field[] Media =
    [
        new("mediaID", Required: true), new("deploymentID", Required: true), new("captureMethod", Enum: ["activityDetection", "timeLapse"]),
        new("timestamp", Kind.DateTime, true), new("filePath", Required: true), new("filePublic", Kind.Boolean, true), new("fileName"),
        new("fileMediatype", Required: true, Pattern: "^(image|video|audio)/.*$"), new("exifData"), new("favorite", Kind.Boolean), new("mediaComments"),
    ];

    private static readonly Field[] Observations =
    [
        new("observationID", Required: true), new("deploymentID", Required: true), new("mediaID"), new("eventID"),
        new("eventStart", Kind.DateTime, true), new("eventEnd", Kind.DateTime, true), new("observationLevel", Required: true, Enum: ["media", "event"]),
        new("observationType", Required: true, Enum: ["animal", "human", "vehicle", "blank", "unknown", "unclassified"]),
        new("cameraSetupType", Enum: ["setup", "calibration"]), new("scientificName"), new("count", Kind.Integer, Min: 1),
        new("lifeStage", Enum: ["adult", "subadult", "juvenile"]), new("sex", Enum: ["female", "male"]), new("behavior"), new("individualID"),
        new("individualPositionRadius", Kind.Number, Min: 0), new("individualPositionAngle", Kind.Number, Min: -90, Max: 90), new("individualSpeed", Kind.Number, Min: 0),
        new("bboxX", Kind.Number, Min: 0, Max: 1), new("bboxY", Kind.Number, Min: 0, Max: 1), new("bboxWidth", Kind.Number, Min: 1e-15, Max: 1),
        new("bboxHeight", Kind.Number, Min: 1e-15, Max: 1), new("classificationMethod", Enum: ["human", "machine"]), new("classifiedBy"),
        new("classificationTimestamp", Kind.DateTime), new("classificationProbability", Kind.Number, Min: 0, Max: 1), new("observationTags"), new("observationComments"),
    ];

    /// <summary>Every problem of the package in <paramref name="folder"/>; empty when it conforms.</summary>
    public static List<string> Problems(string folder)
    {
        var problems = new List<string>();
        var package = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "datapackage.json")))!.AsObject();
        foreach (var key in new[] { "resources", "profile", "created", "contributors", "project", "spatial", "temporal", "taxonomic" }.Where(k => package[k] is null))
        {
            problems.Add($"datapackage.json: no '{key}'");
        }

        if ((string?)package["profile"] != Base + "camtrap-dp-profile.json")
        {
            problems.Add($"datapackage.json: profile '{package["profile"]}' is not Camtrap DP 1.0.2's");
        }

        if (package["created"] is { } created && !IsDateTime((string)created!))
        {
            problems.Add($"datapackage.json: created '{created}' is not an ISO 8601 date and time with a zone");
        }

        if (package["contributors"] is not JsonArray { Count: > 0 } contributors || contributors.Any(c => c?["title"] is null))
        {
            problems.Add("datapackage.json: contributors must be a non-empty list, each with a title");
        }

        var project = package["project"];
        if (project?["title"] is null || project["samplingDesign"] is null || project["captureMethod"] is not JsonArray || project["individualAnimals"] is null || project["observationLevel"] is not JsonArray)
        {
            problems.Add("datapackage.json: project needs title, samplingDesign, captureMethod, individualAnimals and observationLevel");
        }
        else if (!new[] { "simpleRandom", "systematicRandom", "clusteredRandom", "experimental", "targeted", "opportunistic" }.Contains((string?)project["samplingDesign"]))
        {
            problems.Add($"datapackage.json: project.samplingDesign '{project["samplingDesign"]}' is not in the vocabulary");
        }

        if (package["temporal"]?["start"] is null || package["temporal"]?["end"] is null)
        {
            problems.Add("datapackage.json: temporal needs start and end");
        }

        if (package["taxonomic"] is JsonArray taxa && taxa.Any(t => t?["scientificName"] is null))
        {
            problems.Add("datapackage.json: every taxonomic entry needs a scientificName");
        }

        var resources = package["resources"] as JsonArray ?? [];
        foreach (var name in new[] { "deployments", "media", "observations" })
        {
            var resource = resources.FirstOrDefault(r => (string?)r?["name"] == name);
            if (resource is null)
            {
                problems.Add($"datapackage.json: no '{name}' resource");
            }
            else if ((string?)resource["profile"] != "tabular-data-resource" || (string?)resource["schema"] != $"{Base}{name}-table-schema.json" || (string?)resource["path"] != $"{name}.csv")
            {
                problems.Add($"datapackage.json: resource '{name}' must be a tabular-data-resource at {name}.csv with the 1.0.2 table schema");
            }
        }

        var deployments = Table(folder, "deployments", Deployments, problems);
        var media = Table(folder, "media", Media, problems);
        var observations = Table(folder, "observations", Observations, problems);
        Unique("deployments", "deploymentID", deployments, problems);
        Unique("media", "mediaID", media, problems);
        Unique("observations", "observationID", observations, problems);
        var deploymentIds = deployments.Select(r => r["deploymentID"]).ToHashSet();
        var mediaIds = media.Select(r => r["mediaID"]).ToHashSet();
        problems.AddRange(media.Where(r => !deploymentIds.Contains(r["deploymentID"])).Select(r => $"media {r["mediaID"]}: deployment '{r["deploymentID"]}' is not in deployments"));
        problems.AddRange(observations.Where(r => !deploymentIds.Contains(r["deploymentID"])).Select(r => $"observation {r["observationID"]}: deployment '{r["deploymentID"]}' is not in deployments"));
        problems.AddRange(observations.Where(r => r["mediaID"].Length > 0 && !mediaIds.Contains(r["mediaID"])).Select(r => $"observation {r["observationID"]}: media '{r["mediaID"]}' is not in media"));
        problems.AddRange(observations.Where(r => r["observationLevel"] == "media" && r["mediaID"].Length == 0).Select(r => $"observation {r["observationID"]}: a media-level observation needs its mediaID"));
        problems.AddRange(observations.Where(r => r["observationLevel"] == "event" && r["eventID"].Length == 0).Select(r => $"observation {r["observationID"]}: an event-level observation needs its eventID"));
        return problems;
    }

    /// <summary>A table's rows as column → value, checked field by field.</summary>
    private static List<Dictionary<string, string>> Table(string folder, string name, IReadOnlyList<Field> fields, List<string> problems)
    {
        var lines = ReadCsv(Path.Combine(folder, $"{name}.csv"));
        var header = lines.Count > 0 ? lines[0] : [];
        if (!header.SequenceEqual(fields.Select(f => f.Name)))
        {
            problems.Add($"{name}.csv: the columns are not the standard's, in its order: {string.Join(",", header)}");
            return [];
        }

        var rows = new List<Dictionary<string, string>>();
        foreach (var (line, number) in lines.Skip(1).Select((l, i) => (l, i + 2)))
        {
            if (line.Length != header.Length)
            {
                problems.Add($"{name}.csv line {number}: {line.Length} values for {header.Length} columns");
                continue;
            }

            var row = header.Zip(line).ToDictionary(p => p.First, p => p.Second);
            foreach (var field in fields)
            {
                var value = row[field.Name];
                if (value.Length == 0)
                {
                    if (field.Required)
                    {
                        problems.Add($"{name}.csv line {number}: {field.Name} is required");
                    }

                    continue;
                }

                var why = Problem(field, value);
                if (why is not null)
                {
                    problems.Add($"{name}.csv line {number}: {field.Name} '{value}' {why}");
                }
            }

            rows.Add(row);
        }

        return rows;
    }

    private static string? Problem(Field field, string value)
    {
        double? number = null;
        switch (field.Kind)
        {
            case Kind.Number when double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var n):
                number = n;
                break;
            case Kind.Integer when long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i):
                number = i;
                break;
            case Kind.Number or Kind.Integer:
                return $"is not a{(field.Kind == Kind.Integer ? "n integer" : " number")}";
            case Kind.Boolean when value is not ("true" or "false"):
                return "is not true or false";
            case Kind.DateTime when !IsDateTime(value):
                return "is not an ISO 8601 date and time with a zone (YYYY-MM-DDThh:mm:ssZ or ±hh:mm)";
        }

        if (number is { } v && ((field.Min is { } min && v < min) || (field.Max is { } max && v > max)))
        {
            return $"is outside [{field.Min}, {field.Max}]";
        }

        if (field.Enum is { } allowed && !allowed.Contains(value))
        {
            return $"is not one of {string.Join(", ", allowed)}";
        }

        return field.Pattern is { } pattern && !Regex.IsMatch(value, pattern) ? $"does not match {pattern}" : null;
    }

    private static bool IsDateTime(string value) => DateTimeWithZone().IsMatch(value);

    private static void Unique(string table, string column, List<Dictionary<string, string>> rows, List<string> problems) =>
        problems.AddRange(rows.GroupBy(r => r[column]).Where(g => g.Count() > 1).Select(g => $"{table}: {column} '{g.Key}' is not unique"));

    /// <summary>RFC 4180 CSV: quoted values may hold commas, quotes (doubled) and line breaks.</summary>
    public static List<string[]> ReadCsv(string path)
    {
        var text = File.ReadAllText(path);
        var rows = new List<string[]>();
        var row = new List<string>();
        var value = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    value.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    value.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                row.Add(value.ToString());
                value.Clear();
            }
            else if (c == '\n')
            {
                row.Add(value.ToString().TrimEnd('\r'));
                value.Clear();
                rows.Add([.. row]);
                row.Clear();
            }
            else
            {
                value.Append(c);
            }
        }

        if (value.Length > 0 || row.Count > 0)
        {
            row.Add(value.ToString());
            rows.Add([.. row]);
        }

        return rows;
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")]
    private static partial Regex DateTimeWithZone();
}
