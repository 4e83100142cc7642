namespace EdgeAgent.Detection;

using EdgeAgent.Common.Observations;

/// <summary>Class-wise non-maximum suppression: of boxes with one label that overlap, the best-scoring stays.</summary>
public static class NonMaxSuppression
{
    /// <summary>Keeps, per label, the highest-scoring box of each overlapping group; best first.</summary>
    public static List<Detection> Apply(IEnumerable<Detection> detections, float iouThreshold)
    {
        var kept = new List<Detection>();
        foreach (var group in detections.GroupBy(d => d.Label, StringComparer.Ordinal))
        {
            var start = kept.Count;
            foreach (var detection in group.OrderByDescending(d => d.Confidence))
            {
                var overlaps = false;
                for (var i = start; i < kept.Count && !overlaps; i++)
                {
                    overlaps = kept[i].Box.IntersectionOverUnion(detection.Box) > iouThreshold;
                }

                if (!overlaps)
                {
                    kept.Add(detection);
                }
            }
        }

        kept.Sort((a, b) => b.Confidence.CompareTo(a.Confidence));
        return kept;
    }
}
