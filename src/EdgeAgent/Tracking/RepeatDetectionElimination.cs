namespace EdgeAgent.Tracking;

using EdgeAgent.Common.Observations;

/// <summary>Settings of repeat-detection elimination.</summary>
public sealed record RepeatDetectionOptions
{
    /// <summary>On by default: a burned-in bar that a COCO model calls a car would otherwise alert as a poacher's vehicle.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>Two boxes overlapping at least this much are "the same place".</summary>
    public float MinIou { get; init; } = 0.9f;

    /// <summary>
    /// A place seen in at least this many pictures of one camera is static. Camera traps shoot
    /// bursts of 3–5 of an animal standing still, so the default stays well above a burst.
    /// </summary>
    public int MinOccurrences { get; init; } = 10;

    /// <summary>Pictures remembered per source by the daemon, which sees them one at a time.</summary>
    public int History { get; init; } = 50;

    /// <summary>What is wrong with the settings, as <c>:Key: what</c>.</summary>
    public IEnumerable<string> Problems()
    {
        if (MinIou is <= 0 or > 1)
        {
            yield return $":MinIou: {MinIou} must lie in (0, 1]";
        }

        if (MinOccurrences < 2)
        {
            yield return $":MinOccurrences: {MinOccurrences} must be at least 2 (1 would call every detection static)";
        }

        if (History < MinOccurrences)
        {
            yield return $":History: {History} must be at least MinOccurrences ({MinOccurrences})";
        }
    }
}

/// <summary>
/// MegaDetector's repeat-detection elimination: within one camera, a box that recurs at the same
/// place (IoU ≥ <see cref="RepeatDetectionOptions.MinIou"/>) in many pictures is a rock, a post or a
/// burned-in bar, not an animal. Label-agnostic, since the model may call the same bar a car in one
/// picture and a truck in the next.
/// </summary>
public static class RepeatDetectionElimination
{
    /// <summary>
    /// Finds the repeated boxes among one camera's pictures.
    /// </summary>
    /// <param name="boxesPerPicture">For each picture, its detections' boxes, normalized to 0–1 so that pictures of different sizes compare.</param>
    /// <param name="options">Thresholds.</param>
    /// <returns>(picture index, box index) of every box that is a repeat.</returns>
    public static HashSet<(int Picture, int Box)> FindRepeats(IReadOnlyList<IReadOnlyList<BoundingBox>> boxesPerPicture, RepeatDetectionOptions options)
    {
        ArgumentNullException.ThrowIfNull(boxesPerPicture);
        ArgumentNullException.ThrowIfNull(options);
        var places = new List<Place>();
        for (var picture = 0; picture < boxesPerPicture.Count; picture++)
        {
            for (var box = 0; box < boxesPerPicture[picture].Count; box++)
            {
                var candidate = boxesPerPicture[picture][box];
                Place? match = null;
                var bestIou = options.MinIou;
                foreach (var place in places)
                {
                    var iou = place.Boxes.Max(b => b.IntersectionOverUnion(candidate));
                    if (iou >= bestIou)
                    {
                        bestIou = iou;
                        match = place;
                    }
                }

                if (match is null)
                {
                    match = new Place();
                    places.Add(match);
                }

                match.Boxes.Add(candidate);
                match.Members.Add((picture, box));
                match.Pictures.Add(picture);
            }
        }

        return places.Where(p => p.Pictures.Count >= options.MinOccurrences).SelectMany(p => p.Members).ToHashSet();
    }

    /// <summary>
    /// A place is the boxes seen there. A box joins a place when it overlaps any of them, not only the
    /// first: the model's box for the same bar jitters by a few pixels from picture to picture.
    /// </summary>
    private sealed class Place
    {
        public List<BoundingBox> Boxes { get; } = [];

        public List<(int Picture, int Box)> Members { get; } = [];

        public HashSet<int> Pictures { get; } = [];
    }
}
