namespace EdgeAgent.Tracking;

using EdgeAgent.Common.Observations;

/// <summary>
/// Repeat-detection elimination for one camera trap as its pictures arrive, one at a time: a box
/// whose place recurs in at least <see cref="RepeatDetectionOptions.MinOccurrences"/> of the last
/// <see cref="RepeatDetectionOptions.History"/> pictures (this one included) is a static object — the
/// burned-in bar, a rock — and does not become a detection. For video the tracker plays this part: a
/// parked car is one track, one observation.
/// </summary>
public sealed class StaticObjectFilter(RepeatDetectionOptions options)
{
    private readonly Queue<IReadOnlyList<BoundingBox>> _history = new();

    /// <summary>The detections that are not static; <paramref name="suppressed"/> counts the others.</summary>
    public IReadOnlyList<Detection> Filter(IReadOnlyList<Detection> detections, float width, float height, out int suppressed)
    {
        ArgumentNullException.ThrowIfNull(detections);
        suppressed = 0;
        if (!options.Enabled)
        {
            return detections;
        }

        // Normalized, so that pictures of different sizes from one camera compare.
        _history.Enqueue(detections.Select(d => new BoundingBox(d.Box.X / width, d.Box.Y / height, d.Box.Width / width, d.Box.Height / height)).ToList());
        while (_history.Count > Math.Max(1, options.History))
        {
            _history.Dequeue();
        }

        var pictures = _history.ToList();
        var repeats = RepeatDetectionElimination.FindRepeats(pictures, options);
        var current = pictures.Count - 1;
        var kept = new List<Detection>(detections.Count);
        for (var i = 0; i < detections.Count; i++)
        {
            if (repeats.Contains((current, i)))
            {
                suppressed++;
            }
            else
            {
                kept.Add(detections[i]);
            }
        }

        return kept;
    }
}
