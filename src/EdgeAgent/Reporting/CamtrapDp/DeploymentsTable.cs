namespace EdgeAgent.Reporting.CamtrapDp;

using EdgeAgent.Alerting.Geofencing;
using EdgeAgent.Common.Observations;
using EdgeAgent.Recording;
using static EdgeAgent.Reporting.CamtrapDp.CamtrapFormat;

/// <summary>A source as a deployment: where it stood, from when to when, how long it worked.</summary>
internal sealed record Deployment(string Id, GeoPosition Position, DateTimeOffset Start, DateTimeOffset End, CameraSite? Camera, TimeSpan? Effort);

/// <summary>The <c>deployments</c> table: which sources are deployments, and their rows.</summary>
internal static class DeploymentsTable
{
    /// <summary>The table's columns, in the order of the standard's table schema.</summary>
    internal static readonly string[] Columns =
    [
        "deploymentID", "locationID", "locationName", "latitude", "longitude", "coordinateUncertainty", "deploymentStart", "deploymentEnd", "setupBy",
        "cameraID", "cameraModel", "cameraDelay", "cameraHeight", "cameraDepth", "cameraTilt", "cameraHeading", "detectionDistance", "timestampIssues",
        "baitUse", "featureType", "habitat", "deploymentGroups", "deploymentTags", "deploymentComments",
    ];

    /// <summary>
    /// The deployments: every source with a picture, a track or time up in the period (a camera that
    /// worked and saw nothing is a deployment too: its effort counts), placed by Geofencing:Cameras or
    /// else by the mean of its placed sightings (<paramref name="sums"/>); from when it first came up
    /// (or its first capture, if earlier) to when it was last up (or its last capture, if later). Those
    /// without a place are left out.
    /// </summary>
    public static (SortedDictionary<string, Deployment> Placed, List<string> LeftOut) Place(
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
            GeoPosition? position = camera is not null ? camera.Position()
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

    /// <summary>Writes the table, a row per deployment; a deployment with a picture whose time cannot be right has timestamp issues.</summary>
    public static void Write(string path, IEnumerable<Deployment> deployments, List<PictureRow> pictures)
    {
        using var table = Table(path, Columns);
        foreach (var deployment in deployments)
        {
            Row(table, Values(deployment, pictures));
        }
    }

    private static string[] Values(Deployment d, List<PictureRow> pictures)
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

        return Fields(Columns, new()
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
}
