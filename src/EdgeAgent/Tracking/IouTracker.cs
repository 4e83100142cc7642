namespace EdgeAgent.Tracking;

using EdgeAgent.Alerting.Observations;

/// <summary>
/// A simple IoU tracker for one video source: a detection continues the track of its label that it
/// overlaps most; a track becomes an observation once, when it has been seen in
/// <see cref="TrackingOptions.Inertia"/> frames, so one animal crossing the frame is one observation.
/// </summary>
public sealed class IouTracker(TrackingOptions options)
{
    private readonly List<Track> _tracks = [];

    /// <summary>Tracks alive now.</summary>
    public int Count => _tracks.Count;

    /// <summary>Feeds one frame's detections; returns those that just confirmed a track.</summary>
    public IReadOnlyList<Detection> Update(IReadOnlyList<Detection> detections, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(detections);
        _tracks.RemoveAll(t => at - t.LastSeen > options.MaxAge);

        var pairs = new List<(float Iou, Track Track, int Detection)>();
        for (var d = 0; d < detections.Count; d++)
        {
            foreach (var track in _tracks.Where(t => t.Label == detections[d].Label))
            {
                var iou = track.Box.IntersectionOverUnion(detections[d].Box);
                if (iou >= options.MinIou)
                {
                    pairs.Add((iou, track, d));
                }
            }
        }

        var confirmed = new List<Detection>();
        var matchedTracks = new HashSet<Track>();
        var matchedDetections = new HashSet<int>();
        foreach (var (_, track, d) in pairs.OrderByDescending(p => p.Iou))
        {
            if (matchedTracks.Contains(track) || matchedDetections.Contains(d))
            {
                continue;
            }

            matchedTracks.Add(track);
            matchedDetections.Add(d);
            track.Box = detections[d].Box;
            track.LastSeen = at;
            if (++track.Hits == options.Inertia)
            {
                confirmed.Add(detections[d]);
            }
        }

        for (var d = 0; d < detections.Count; d++)
        {
            if (!matchedDetections.Contains(d))
            {
                _tracks.Add(new Track { Label = detections[d].Label, Box = detections[d].Box, LastSeen = at, Hits = 1 });
                if (options.Inertia == 1)
                {
                    confirmed.Add(detections[d]);
                }
            }
        }

        return confirmed;
    }

    private sealed class Track
    {
        public required string Label { get; init; }

        public BoundingBox Box { get; set; }

        public DateTimeOffset LastSeen { get; set; }

        public int Hits { get; set; }
    }
}
