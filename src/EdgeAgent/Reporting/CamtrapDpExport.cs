namespace EdgeAgent.Reporting;

using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeAgent.Alerting.Geofencing;
using EdgeAgent.Common.Observations;
using EdgeAgent.Recording;

/// <summary>
/// Writes the records of a period as a Camera Trap Data Package (Camtrap DP 1.0.2, the TDWG
/// standard that Agouti, Wildlife Insights and camtraptor read): <c>datapackage.json</c> and the
/// <c>deployments</c>, <c>media</c> and <c>observations</c> tables as CSV. A source is a deployment
/// over the time it was up (see <see cref="Deployments"/>); every camera-trap picture is a medium; every detection a media-level
/// observation (machine-classified, with its box and confidence), a blank picture a <c>blank</c>
/// one; every video track an event-level observation.
/// </summary>
public static class CamtrapDpExport
{
    /// <summary>The version of the standard written.</summary>
    public const string Version = "1.0.2";

    private const string Base = "https://raw.githubusercontent.com/tdwg/camtrap-dp/" + Version + "/";
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    /// <summary>The tables' columns, in the order of the standard's table schemas.</summary>
    internal static readonly string[] DeploymentFields =
    [
        "deploymentID", "locationID", "locationName", "latitude", "longitude", "coordinateUncertainty", "deploymentStart", "deploymentEnd", "setupBy",
        "cameraID", "cameraModel", "cameraDelay", "cameraHeight", "cameraDepth", "cameraTilt", "cameraHeading", "detectionDistance", "timestampIssues",
        "baitUse", "featureType", "habitat", "deploymentGroups", "deploymentTags", "deploymentComments",
    ];

    internal static readonly string[] MediaFields =
        ["mediaID", "deploymentID", "captureMethod", "timestamp", "filePath", "filePublic", "fileName", "fileMediatype", "exifData", "favorite", "mediaComments"];

    internal static readonly string[] ObservationFields =
    [
        "observationID", "deploymentID", "mediaID", "eventID", "eventStart", "eventEnd", "observationLevel", "observationType", "cameraSetupType",
        "scientificName", "count", "lifeStage", "sex", "behavior", "individualID", "individualPositionRadius", "individualPositionAngle", "individualSpeed",
        "bboxX", "bboxY", "bboxWidth", "bboxHeight", "classificationMethod", "classifiedBy", "classificationTimestamp", "classificationProbability",
        "observationTags", "observationComments",
    ];

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

        var (deployments, leftOut) = Deployments(report, pictures, tracks, placed);
        pictures.RemoveAll(p => !deployments.ContainsKey(p.SourceId));
        tracks.RemoveAll(t => !deployments.ContainsKey(t.SourceId));
        WriteCsv(Path.Combine(folder, "deployments.csv"), DeploymentFields, deployments.Values.Select(d => DeploymentRow(d, report.Site, pictures)));
        var (mediaIds, copied, unlocated) = WriteMedia(records, pictures, location, folder, start, end);
        var (observations, taxa) = WriteObservations(records, pictures, tracks, mediaIds, folder, classifiedBy, start, end);
        var covered = deployments.Count == 0 ? ((DateTimeOffset, DateTimeOffset)?)null : (deployments.Values.Min(d => d.Start), deployments.Values.Max(d => d.End));
        var package = Package(report, deployments.Values.Select(d => d.Position).ToList(), covered, taxa, now);
        File.WriteAllText(Path.Combine(folder, "datapackage.json"), package.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        return new Summary(deployments.Count, pictures.Count, observations, leftOut) { Copied = copied, Unlocated = unlocated };
    }

    /// <summary>
    /// The deployments: every source with a picture, a track or time up in the period (a camera that
    /// worked and saw nothing is a deployment too: its effort counts), placed by Geofencing:Cameras or
    /// else by the mean of its placed sightings (<paramref name="sums"/>); from when it first came up
    /// (or its first capture, if earlier) to when it was last up (or its last capture, if later). Those
    /// without a place are left out.
    /// </summary>
    private static (SortedDictionary<string, Deployment> Placed, List<string> LeftOut) Deployments(
        BiodiversityReport report, List<PictureRow> pictures, List<Sighting> tracks, Dictionary<string, (double Latitude, double Longitude, int Count)> sums)
    {
        var spans = new Dictionary<string, (DateTimeOffset First, DateTimeOffset Last)>(StringComparer.Ordinal);
        void Seen(string source, DateTimeOffset first, DateTimeOffset last) =>
            spans[source] = spans.TryGetValue(source, out var s) ? (first < s.First ? first : s.First, last > s.Last ? last : s.Last) : (first, last);
        pictures.ForEach(p => Seen(p.SourceId, p.TakenAt, p.TakenAt));
        tracks.ForEach(t => Seen(t.SourceId, t.Start, t.End));
        foreach (var (source, state) in report.Downtimes ?? [])
        {
            if (state.UpSpan is { } up)
            {
                Seen(source, up.First, up.Last);
            }
        }

        var placed = new SortedDictionary<string, Deployment>(StringComparer.Ordinal);
        var leftOut = new List<string>();
        foreach (var (source, span) in spans.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            var camera = report.Site.Cameras.FirstOrDefault(c => c.Id == source);
            GeoPosition? position = camera is not null ? new GeoPosition(camera.Latitude, camera.Longitude)
                : sums.TryGetValue(source, out var sum) ? new GeoPosition(sum.Latitude / sum.Count, sum.Longitude / sum.Count) : null;
            if (position is { } at)
            {
                placed[source] = new Deployment(source, at, span.First, span.Last, camera, report.Downtimes?.GetValueOrDefault(source).Up);
            }
            else
            {
                leftOut.Add(source);
            }
        }

        return (placed, leftOut);
    }

    private static string[] DeploymentRow(Deployment d, ReportSite site, List<PictureRow> pictures)
    {
        var comments = new List<string>();
        if (d.Camera is null)
        {
            comments.Add("position: the mean of its placed sightings");
        }

        if (d.Effort is { } up && up > TimeSpan.Zero)
        {
            comments.Add(string.Create(C, $"working {up.TotalDays:0.##} camera-days of the deployment (recorded up time)"));
        }

        return Fields(DeploymentFields, new()
        {
            ["deploymentID"] = d.Id,
            ["locationName"] = d.Id,
            ["latitude"] = d.Position.Latitude.ToString("0.######", C),
            ["longitude"] = d.Position.Longitude.ToString("0.######", C),
            ["deploymentStart"] = Timestamp(d.Start),
            ["deploymentEnd"] = Timestamp(d.End),
            ["cameraID"] = d.Id,
            ["cameraHeight"] = d.Camera?.Height?.ToString("0.##", C),

            // The standard's tilt is up from horizontal and both are whole degrees; ours is down from horizontal.
            ["cameraTilt"] = d.Camera?.Tilt is { } tilt ? Math.Round(-tilt).ToString("0", C) : null,
            ["cameraHeading"] = d.Camera?.Heading is { } heading ? (Math.Round(heading) % 360).ToString("0", C) : null,
            ["timestampIssues"] = pictures.Any(m => m.SourceId == d.Id && m.TimestampIssue is not null) ? "true" : "false",
            ["deploymentComments"] = comments.Count > 0 ? string.Join("; ", comments) : null,
        });
    }

    /// <summary>Writes the media table as it reads the pictures (a month of a large site is millions of rows); each picture's medium ID by its file.</summary>
    private static (Dictionary<(string Source, string Path), (string Id, PictureRow Picture)> Ids, int Copied, int Unlocated) WriteMedia(
        RecordQueries records, List<PictureRow> pictures, MediaLocation location, string folder, DateTimeOffset start, DateTimeOffset end)
    {
        var mediaIds = new Dictionary<(string Source, string Path), (string Id, PictureRow Picture)>();
        var withPeople = location.Include && !location.IncludePeople
            ? records.Detections(start, end).Where(d => d.Category == "person" && d.Path is not null).Select(d => (d.SourceId, d.Path!)).ToHashSet()
            : [];
        var (copied, unlocated) = (0, 0);
        using var media = Table(Path.Combine(folder, "media.csv"), MediaFields);
        foreach (var p in pictures)
        {
            var id = Id("m", p.SourceId, p.Path);
            mediaIds[(p.SourceId, p.Path)] = (id, p);
            var filePath = location.Include && !withPeople.Contains((p.SourceId, p.Path)) ? CopyIn(location, p, folder) : null;
            copied += filePath is null ? 0 : 1;
            filePath ??= location.Of(p.SourceId, p.Path);
            unlocated += filePath is null ? 1 : 0;
            Row(media, Fields(MediaFields, new()
            {
                ["mediaID"] = id,
                ["deploymentID"] = p.SourceId,
                ["captureMethod"] = "activityDetection",
                ["timestamp"] = Timestamp(p.TakenAt),
                ["filePath"] = filePath ?? p.Path,

                // Pictures of people and of where rhinos are must not go public by default.
                ["filePublic"] = "false",
                ["fileName"] = Path.GetFileName(p.Path),
                ["fileMediatype"] = Path.GetExtension(p.Path).Equals(".png", StringComparison.OrdinalIgnoreCase) ? "image/png" : "image/jpeg",
                ["mediaComments"] = p.TimestampIssue,
            }));
        }

        return (mediaIds, copied, unlocated);
    }

    /// <summary>Writes the observations table: each detection on its medium, each blank picture, each video track; the taxa named.</summary>
    private static (int Count, HashSet<Taxon> Taxa) WriteObservations(
        RecordQueries records, List<PictureRow> pictures, List<Sighting> tracks, Dictionary<(string Source, string Path), (string Id, PictureRow Picture)> mediaIds,
        string folder, string classifiedBy, DateTimeOffset start, DateTimeOffset end)
    {
        var observations = 0;
        var taxa = new HashSet<Taxon>();
        var seenPictures = new HashSet<(string, string)>();

        // Databases of earlier versions did not record a detection's file: its picture is the one taken at its time.
        Dictionary<(string, DateTimeOffset), PictureRow>? byTime = null;
        using var table = Table(Path.Combine(folder, "observations.csv"), ObservationFields);
        void Observation(Dictionary<string, string?> values, Named? named = null)
        {
            observations++;
            if (named is not null)
            {
                taxa.Add(named.Taxon);
                values["scientificName"] = ScientificName(named.Taxon);
            }

            Row(table, Fields(ObservationFields, values));
        }

        foreach (var d in records.Detections(start, end))
        {
            var picture = d.Path is { } path && mediaIds.TryGetValue((d.SourceId, path), out var known) ? known.Picture
                : (byTime ??= pictures.GroupBy(p => (p.SourceId, p.TakenAt)).ToDictionary(g => g.Key, g => g.First())).GetValueOrDefault((d.SourceId, d.CapturedAt));
            if (picture is null)
            {
                continue;
            }

            seenPictures.Add((picture.SourceId, picture.Path));
            var box = picture.Width is > 0 && picture.Height is > 0
                ? (X: Clamp(d.X / picture.Width.Value), Y: Clamp(d.Y / picture.Height.Value), W: Clamp(d.Width / picture.Width.Value), H: Clamp(d.Height / picture.Height.Value))
                : ((double X, double Y, double W, double H)?)null;
            Observation(new()
            {
                ["observationID"] = string.Create(C, $"o{d.Id}"),
                ["deploymentID"] = d.SourceId,
                ["mediaID"] = mediaIds[(picture.SourceId, picture.Path)].Id,
                ["eventStart"] = Timestamp(picture.TakenAt),
                ["eventEnd"] = Timestamp(picture.TakenAt),
                ["observationLevel"] = "media",
                ["observationType"] = Type(d.Category),
                ["count"] = "1",
                ["bboxX"] = box?.X.ToString("0.####", C),
                ["bboxY"] = box?.Y.ToString("0.####", C),
                ["bboxWidth"] = box is { } b1 ? Math.Max(b1.W, 0.0001).ToString("0.####", C) : null,
                ["bboxHeight"] = box is { } b2 ? Math.Max(b2.H, 0.0001).ToString("0.####", C) : null,
                ["classificationMethod"] = "machine",
                ["classifiedBy"] = d.NamedBy is { } by && by != "detector" ? $"{classifiedBy} + {by}" : classifiedBy,
                ["classificationProbability"] = Math.Clamp(d.Named?.Score ?? d.Confidence, 0, 1).ToString("0.###", C),
                ["observationTags"] = $"label:{d.Label}",
            }, d.Named);
        }

        foreach (var p in pictures.Where(p => !seenPictures.Contains((p.SourceId, p.Path))))
        {
            Observation(new()
            {
                ["observationID"] = Id("o", p.SourceId, p.Path),
                ["deploymentID"] = p.SourceId,
                ["mediaID"] = mediaIds[(p.SourceId, p.Path)].Id,
                ["eventStart"] = Timestamp(p.TakenAt),
                ["eventEnd"] = Timestamp(p.TakenAt),
                ["observationLevel"] = "media",
                ["observationType"] = "blank",
                ["classificationMethod"] = "machine",
                ["classifiedBy"] = classifiedBy,
            });
        }

        foreach (var t in tracks)
        {
            Observation(new()
            {
                ["observationID"] = Id("o", t.SourceId, t.EventId),
                ["deploymentID"] = t.SourceId,
                ["eventID"] = t.EventId,
                ["eventStart"] = Timestamp(t.Start),
                ["eventEnd"] = Timestamp(t.End),
                ["observationLevel"] = "event",
                ["observationType"] = Type(t.Category),
                ["count"] = "1",
                ["classificationMethod"] = "machine",
                ["classifiedBy"] = classifiedBy,
                ["classificationProbability"] = t.Named is { } named ? Math.Clamp(named.Score, 0, 1).ToString("0.###", C) : null,
                ["observationTags"] = $"label:{t.Label}",
            }, t.Named);
        }

        return (observations, taxa);
    }

    private sealed record Deployment(string Id, GeoPosition Position, DateTimeOffset Start, DateTimeOffset End, CameraSite? Camera, TimeSpan? Effort);

    /// <summary>Copies a picture into the package's <c>media</c> folder; its path there, or null when it is not on this machine.</summary>
    private static string? CopyIn(MediaLocation location, PictureRow picture, string package)
    {
        if (location.LocalFile(picture.SourceId, picture.Path) is not { } file || !File.Exists(file))
        {
            return null;
        }

        // Names from outside the agent never leave the package's media folder, and never hold the ".." the standard forbids.
        var relative = $"media/{Safe(picture.SourceId)}/{string.Join('/', picture.Path.Split('/', '\\').Select(Safe))}";
        var target = Path.GetFullPath(Path.Combine(package, relative));
        if (!target.StartsWith(Path.GetFullPath(Path.Combine(package, "media")) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            return null;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        File.Copy(file, target, overwrite: true);
        return relative;
    }

    private static string Safe(string name)
    {
        var safe = new string(name.Replace("..", "_", StringComparison.Ordinal).Select(c => char.IsControl(c) || c is ':' or '~' ? '_' : c).ToArray());
        return safe.Length > 0 && safe[0] != '.' ? safe : "_" + safe;
    }

    private static JsonObject Package(BiodiversityReport report, List<GeoPosition> positions, (DateTimeOffset First, DateTimeOffset Last)? covered, IReadOnlySet<Taxon> taxa, DateTimeOffset now)
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

    /// <summary>A taxon's scientific name as checklists write it: the genus (or the one name) capitalized, the epithet not.</summary>
    private static string ScientificName(Taxon taxon) => Capitalized(taxon.ScientificName);

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

    private static string Capitalized(string name) => name.Length == 0 ? name : char.ToUpperInvariant(name[0]) + name[1..];

    private static string Type(string category) => category switch
    {
        "animal" => "animal",
        "person" => "human",
        "vehicle" => "vehicle",
        _ => "unknown",
    };

    private static double Clamp(double value) => Math.Clamp(value, 0, 1);

    private static string Timestamp(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", C);

    private static string Id(string prefix, string source, string key) =>
        prefix + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{source}\u001f{key}")).AsSpan(0, 8));

    private static string[] Fields(string[] columns, Dictionary<string, string?> values) => columns.Select(c => values.GetValueOrDefault(c) ?? "").ToArray();

    private static void WriteCsv(string path, string[] header, IEnumerable<string[]> rows) =>
        File.WriteAllLines(path, rows.Select(r => ReportFiles.Row(r)).Prepend(string.Join(',', header)), new UTF8Encoding(false));

    private static StreamWriter Table(string path, string[] header)
    {
        var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 16);
        writer.WriteLine(string.Join(',', header));
        return writer;
    }

    private static void Row(StreamWriter writer, string[] values) => writer.WriteLine(ReportFiles.Row(values));
}
