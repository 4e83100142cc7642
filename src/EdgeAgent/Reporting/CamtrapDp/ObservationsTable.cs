namespace EdgeAgent.Reporting.CamtrapDp;

using EdgeAgent.Common.Observations;
using EdgeAgent.Recording;
using static EdgeAgent.Reporting.CamtrapDp.CamtrapFormat;

/// <summary>The <c>observations</c> table: each detection on its medium, each blank picture, each video track as an event.</summary>
internal static class ObservationsTable
{
    /// <summary>The table's columns, in the order of the standard's table schema.</summary>
    internal static readonly string[] Columns =
    [
        "observationID", "deploymentID", "mediaID", "eventID", "eventStart", "eventEnd", "observationLevel", "observationType", "cameraSetupType",
        "scientificName", "count", "lifeStage", "sex", "behavior", "individualID", "individualPositionRadius", "individualPositionAngle", "individualSpeed",
        "bboxX", "bboxY", "bboxWidth", "bboxHeight", "classificationMethod", "classifiedBy", "classificationTimestamp", "classificationProbability",
        "observationTags", "observationComments",
    ];

    /// <summary>Writes the observations table: each detection on its medium, each blank picture, each video track; the taxa named.</summary>
    public static (int Count, HashSet<Taxon> Taxa) Write(
        RecordQueries records, List<PictureRow> pictures, List<Sighting> tracks, Dictionary<(string Source, string Path), (string Id, PictureRow Picture)> mediaIds,
        string folder, string classifiedBy, DateTimeOffset start, DateTimeOffset end)
    {
        var observations = 0;
        var taxa = new HashSet<Taxon>();
        var seenPictures = new HashSet<(string, string)>();

        // Databases of earlier versions did not record a detection's file: its picture is the one taken at its time.
        Dictionary<(string, DateTimeOffset), PictureRow>? byTime = null;
        using var table = Table(Path.Combine(folder, "observations.csv"), Columns);
        void Observation(Dictionary<string, string?> values, Named? named = null)
        {
            observations++;
            if (named is not null)
            {
                taxa.Add(named.Taxon);
                values["scientificName"] = ScientificName(named.Taxon);
            }

            Row(table, Fields(Columns, values));
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

    private static string Type(string category) => category switch
    {
        "animal" => "animal",
        "person" => "human",
        "vehicle" => "vehicle",
        _ => "unknown",
    };

    private static double Clamp(double value) => Math.Clamp(value, 0, 1);
}
