namespace EdgeAgent.Tracking;

using EdgeAgent.Common.Observations;

/// <summary>A detection of a video frame with the track it continues.</summary>
/// <param name="Detection">The detection.</param>
/// <param name="TrackId">The track's id, unique per source across restarts.</param>
/// <param name="FirstSeen">When the track began.</param>
/// <param name="Frames">Frames the track has been seen in, this one included.</param>
/// <param name="Confirmed">Whether the track has been seen in enough frames to count.</param>
/// <param name="JustConfirmed">Whether this frame confirmed it: the moment it may alert, once.</param>
/// <param name="Best">Whether this is the track's most confident detection so far.</param>
public sealed record TrackedDetection(Detection Detection, string TrackId, DateTimeOffset FirstSeen, int Frames, bool Confirmed, bool JustConfirmed, bool Best);

/// <summary>
/// A simple IoU tracker for one video source: a detection continues the track of its label that it
/// overlaps most; a track counts once it has been seen in <see cref="TrackingOptions.Inertia"/>
/// frames, so one animal crossing the frame is one track, one record, and at most one alert.
/// </summary>
/// <param name="options">Tracking options.</param>
/// <param name="idPrefix">Put before every track id: something that differs between runs (the start time), so ids never repeat.</param>
public sealed class IouTracker(TrackingOptions options, string idPrefix = "")
{
    private readonly List<Track> _tracks = [];
    private long _lastId;

    /// <summary>Tracks alive now.</summary>
    public int Count => _tracks.Count;

    /// <summary>Feeds one frame's detections; returns each with its track.</summary>
    public IReadOnlyList<TrackedDetection> Update(IReadOnlyList<Detection> detections, DateTimeOffset at)
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

        var trackOf = new Track?[detections.Count];
        var matched = new HashSet<Track>();
        foreach (var (_, track, d) in pairs.OrderByDescending(p => p.Iou))
        {
            if (trackOf[d] is null && matched.Add(track))
            {
                trackOf[d] = track;
            }
        }

        var result = new List<TrackedDetection>(detections.Count);
        for (var d = 0; d < detections.Count; d++)
        {
            var detection = detections[d];
            var track = trackOf[d];
            if (track is null)
            {
                track = new Track { Id = $"{idPrefix}{++_lastId}", Label = detection.Label, FirstSeen = at };
                _tracks.Add(track);
            }

            track.Box = detection.Box;
            track.LastSeen = at;
            track.Hits++;
            var best = detection.Confidence > track.BestConfidence;
            track.BestConfidence = Math.Max(track.BestConfidence, detection.Confidence);
            result.Add(new TrackedDetection(
                detection, track.Id, track.FirstSeen, track.Hits, track.Hits >= options.Inertia, track.Hits == options.Inertia, best));
        }

        return result;
    }

    private sealed class Track
    {
        public required string Id { get; init; }

        public required string Label { get; init; }

        public required DateTimeOffset FirstSeen { get; init; }

        public BoundingBox Box { get; set; }

        public DateTimeOffset LastSeen { get; set; }

        public int Hits { get; set; }

        public float BestConfidence { get; set; }
    }
}
