namespace EdgeAgent.Jobs;

using EdgeAgent.Recording;
using EdgeAgent.Tracking;

/// <summary>Applies repeat-detection elimination to a whole results file, camera by camera.</summary>
public static class RepeatSuppression
{
    /// <summary>The reason written on detections removed as repeats.</summary>
    public const string Reason = "repeat";

    /// <summary>
    /// Moves repeated static detections of each camera into <c>suppressed_detections</c>, and back
    /// again those that no longer repeat. Idempotent, so it is safe to run after every resume.
    /// </summary>
    /// <returns>How many detections are suppressed as repeats.</returns>
    public static int Apply(MegaDetectorResults results, RepeatDetectionOptions options)
    {
        ArgumentNullException.ThrowIfNull(results);
        ArgumentNullException.ThrowIfNull(options);
        var suppressed = 0;
        foreach (var camera in results.Images.Where(i => i.Detections is not null).GroupBy(i => CameraOf(i.File)))
        {
            var images = camera.ToList();
            var candidates = images
                .Select(i => i.Detections!.Concat(i.SuppressedDetections?.Where(d => d.SuppressedBy == Reason) ?? []).ToList())
                .ToList();
            var repeats = options.Enabled
                ? RepeatDetectionElimination.FindRepeats(candidates.Select(c => (IReadOnlyList<Common.Observations.BoundingBox>)c.Select(d => d.Box).ToList()).ToList(), options)
                : [];

            for (var p = 0; p < images.Count; p++)
            {
                var kept = new List<ImageDetection>();
                var removed = images[p].SuppressedDetections?.Where(d => d.SuppressedBy != Reason).ToList() ?? [];
                for (var b = 0; b < candidates[p].Count; b++)
                {
                    var detection = candidates[p][b];
                    if (repeats.Contains((p, b)))
                    {
                        detection.SuppressedBy = Reason;
                        removed.Add(detection);
                        suppressed++;
                    }
                    else
                    {
                        detection.SuppressedBy = null;
                        kept.Add(detection);
                    }
                }

                images[p].Detections = kept;
                images[p].SuppressedDetections = removed.Count > 0 ? removed : null;
            }
        }

        return suppressed;
    }

    private static string CameraOf(string file) => Path.GetDirectoryName(file) is { Length: > 0 } folder ? folder : ".";
}
