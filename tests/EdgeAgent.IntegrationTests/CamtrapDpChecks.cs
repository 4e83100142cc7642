namespace EdgeAgent.IntegrationTests;

using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using EdgeAgent.Testing;

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

    private static readonly string Standard = Path.Combine(TestPaths.Shared, "standards", "camtrap-dp-1.0.2");

    private static readonly Field[] Deployments = FromSchema("deployments");

    private static readonly Field[] Media = FromSchema("media");

    private static readonly Field[] Observations = FromSchema("observations");

    /// <summary>The package-level part of the profile: what a package must have and how its coverage is written.</summary>
    private static readonly JsonNode Profile = JsonNode.Parse(File.ReadAllText(Path.Combine(Standard, "camtrap-dp-profile.json")))!["allOf"]![1]!;

    /// <summary>A table's fields as the standard's own table schema states them: names in order, types and constraints.</summary>
    private static Field[] FromSchema(string table)
    {
        var schema = JsonNode.Parse(File.ReadAllText(Path.Combine(Standard, $"{table}-table-schema.json")))!;
        return schema["fields"]!.AsArray().Select(f =>
        {
            var constraints = f!["constraints"];
            var kind = (string?)f["type"] switch
            {
                "number" => Kind.Number,
                "integer" => Kind.Integer,
                "boolean" => Kind.Boolean,
                "datetime" => Kind.DateTime,
                _ => Kind.Text,
            };
            return new Field(
                (string)f["name"]!, kind, (bool?)constraints?["required"] ?? false, (double?)constraints?["minimum"], (double?)constraints?["maximum"],
                constraints?["enum"]?.AsArray().Select(e => (string)e!).ToArray(), (string?)constraints?["pattern"]);
        }).ToArray();
    }

    private static string[] Strings(JsonNode? array) => array?.AsArray().Select(e => (string)e!).ToArray() ?? [];

    /// <summary>Every problem of the package in <paramref name="folder"/>; empty when it conforms.</summary>
    public static List<string> Problems(string folder)
    {
        var problems = new List<string>();
        var package = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "datapackage.json")))!.AsObject();
        var properties = Profile["properties"]!;
        foreach (var key in Strings(Profile["required"]).Where(k => package[k] is null))
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
        var projectSchema = properties["project"]!;
        if (project is null || Strings(projectSchema["required"]).Any(k => project[k] is null))
        {
            problems.Add($"datapackage.json: project needs {string.Join(", ", Strings(projectSchema["required"]))}");
        }
        else if (!Strings(projectSchema["properties"]!["samplingDesign"]!["enum"]).Contains((string?)project["samplingDesign"]))
        {
            problems.Add($"datapackage.json: project.samplingDesign '{project["samplingDesign"]}' is not in the vocabulary");
        }

        // Coverage: dates, a GeoJSON geometry with an extent, taxa with ranks from the vocabulary.
        foreach (var end in Strings(properties["temporal"]!["required"]))
        {
            if (package["temporal"]?[end] is not JsonValue date || !DateOnly.TryParseExact((string)date!, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
            {
                problems.Add($"datapackage.json: temporal.{end} '{package["temporal"]?[end]}' is not a date (YYYY-MM-DD)");
            }
        }

        problems.AddRange(SpatialProblems(package["spatial"]));
        var taxonSchema = properties["taxonomic"]!["items"]!;
        var ranks = Strings(taxonSchema["properties"]!["taxonRank"]!["enum"]);
        foreach (var taxon in package["taxonomic"] as JsonArray ?? [])
        {
            problems.AddRange(Strings(taxonSchema["required"]).Where(k => taxon?[k] is null).Select(k => $"datapackage.json: taxonomic entry {taxon?.ToJsonString()} has no {k}"));
            if (taxon?["taxonRank"] is { } rank && !ranks.Contains((string?)rank))
            {
                problems.Add($"datapackage.json: taxonRank '{rank}' of {taxon["scientificName"]} is not one of {string.Join(", ", ranks)}");
            }

            if (taxon?["vernacularNames"] is JsonObject names && names.Any(n => !Regex.IsMatch(n.Key, "^[a-z]{3}$") || n.Value is not JsonValue))
            {
                problems.Add($"datapackage.json: vernacularNames of {taxon["scientificName"]} must map three-letter language codes to names");
            }
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
        var covered = (package["taxonomic"] as JsonArray ?? []).Select(t => (string?)t?["scientificName"]).ToHashSet();
        problems.AddRange(observations.Where(r => r["scientificName"].Length > 0 && !covered.Contains(r["scientificName"])).Select(r => $"observation {r["observationID"]}: '{r["scientificName"]}' is not in the package's taxonomic coverage"));

        // A relative filePath names a file inside the package.
        problems.AddRange(media.Where(r => !r["filePath"].Contains(':', StringComparison.Ordinal) && !File.Exists(Path.Combine(folder, r["filePath"])))
            .Select(r => $"media {r["mediaID"]}: filePath '{r["filePath"]}' is relative, but the package has no such file"));
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

    /// <summary>GeoJSON (RFC 7946) geometry of the package's extent: a point, several, or a polygon that encloses an area.</summary>
    private static IEnumerable<string> SpatialProblems(JsonNode? spatial)
    {
        static bool IsPosition(JsonNode? p) => p is JsonArray { Count: 2 } xy && (double)xy[0]! is >= -180 and <= 180 && (double)xy[1]! is >= -90 and <= 90;
        switch ((string?)spatial?["type"])
        {
            case "Point" when IsPosition(spatial!["coordinates"]):
            case "MultiPoint" when spatial!["coordinates"] is JsonArray { Count: > 0 } points && points.All(IsPosition):
                yield break;
            case "Polygon" when spatial!["coordinates"] is JsonArray { Count: 1 } rings && rings[0] is JsonArray { Count: >= 4 } ring && ring.All(IsPosition):
                var corners = ring.Select(p => ((double)p![0]!, (double)p[1]!)).ToList();
                if (corners[0] != corners[^1])
                {
                    yield return "datapackage.json: spatial polygon's ring is not closed";
                }

                var area = corners.Zip(corners.Skip(1)).Sum(e => (e.First.Item1 * e.Second.Item2) - (e.Second.Item1 * e.First.Item2));
                if (Math.Abs(area) < 1e-12)
                {
                    yield return "datapackage.json: spatial polygon encloses no area";
                }

                yield break;
            default:
                yield return $"datapackage.json: spatial {spatial?.ToJsonString()} is not a GeoJSON point, multipoint or polygon";
                yield break;
        }
    }

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
