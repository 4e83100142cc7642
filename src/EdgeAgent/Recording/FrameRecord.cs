namespace EdgeAgent.Recording;

using EdgeAgent.Common.Observations;
using EdgeAgent.Alerting.Rules;
using EdgeAgent.Placement;
using EdgeAgent.Sources;

/// <summary>A detection on the map, with the alert it raised and its track, if any.</summary>
public sealed record PlacedDetection(Detection Detection, Placement Placement, string? AlertId = null, string? TrackId = null);

/// <summary>A detection set aside as not an object: under a mask, on the picture's information band, or a static object.</summary>
public sealed record SuppressedDetection(Detection Detection, string Reason);

/// <summary>A confirmed video track seen in a frame: one row per track in the record.</summary>
/// <param name="TrackId">The track.</param>
/// <param name="Detection">Its detection in this frame.</param>
/// <param name="Placement">Where that is on the ground.</param>
/// <param name="FirstSeen">When the track began.</param>
/// <param name="Best">Whether this is the track's most confident detection so far.</param>
/// <param name="AlertId">The alert the track raised in this frame, if any.</param>
/// <param name="Snapshot">The track's best-frame snapshot, when the write stage saved one for this frame.</param>
public sealed record TrackSighting(string TrackId, Detection Detection, Placement Placement, DateTimeOffset FirstSeen, bool Best, string? AlertId, string? Snapshot = null)
{
    /// <summary>When the run of the stream that saw the track began (a drone's flight); null when not known.</summary>
    public DateTimeOffset? Flight { get; init; }

    /// <summary>What the track's frames named it so far, by vote (<see cref="TaxonVote"/>); null when they named nothing.</summary>
    public Classification? Taxon { get; init; }
}

/// <summary>
/// Everything the write stage stores about one frame, in one transaction: the ledger row of a
/// camera-trap file, its detections (video: only when asked for), the tracks seen, and the alerts.
/// </summary>
/// <param name="Frame">The frame; the write stage disposes it and completes it once committed.</param>
/// <param name="Detections">The frame's detections that count (not masked, not static).</param>
/// <param name="RecordDetections">Whether the detections get rows of their own (pictures always; video frames only when asked for).</param>
/// <param name="Tracks">Confirmed tracks seen in the frame (video).</param>
/// <param name="Alerts">Alerts decided on the frame, without their picture yet.</param>
/// <param name="Failure">Why the picture could not be processed (its ledger row says so), or null.</param>
/// <param name="Picture">The picture its records point to: the alert snapshot the write stage saved, else the camera-trap file.</param>
public sealed record FrameRecord(
    Frame Frame, IReadOnlyList<PlacedDetection> Detections, bool RecordDetections, IReadOnlyList<TrackSighting> Tracks, IReadOnlyList<Alert> Alerts,
    string? Failure = null, string? Picture = null)
{
    /// <summary>A camera-trap picture's detections that were not objects, and why (<c>mask</c>, <c>overlay</c>, <c>static</c>): recorded for data quality, never alerted.</summary>
    public IReadOnlyList<SuppressedDetection> Suppressed { get; init; } = [];

    /// <summary>The observations the rules decided on: announced as detection events once the record is committed.</summary>
    public IReadOnlyList<Observation> Observed { get; init; } = [];

    /// <summary>A file that could not be processed: only its ledger row.</summary>
    public static FrameRecord Failed(Frame frame, string failure) => new(frame, [], true, [], [], failure);
}
