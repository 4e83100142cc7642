namespace EdgeAgent.Recording;

using EdgeAgent.Common.Observations;

/// <summary>A record with a position: a video track or a camera-trap detection.</summary>
public sealed record PlacedRecord(
    string Kind, string SourceId, string? TrackId, string Label, string Category, float Confidence, DateTimeOffset FirstSeen, DateTimeOffset LastSeen,
    int Frames, GeoPosition Position, double? Uncertainty, string PlacedBy, string? Picture, string? AlertId)
{
    /// <summary>The taxon it was named as, if any.</summary>
    public Taxon? Taxon { get; init; }

    /// <summary>How people read what it was: the taxon, else the detector's label.</summary>
    public string Name => Taxon?.Display ?? Label;
}

/// <summary>A record of one label as a list shows it: a camera-trap detection or a video track, placed or not.</summary>
public sealed record LabelRecord(string Kind, string SourceId, DateTimeOffset SeenAt, float Confidence, GeoPosition? Position, string? AlertId);

/// <summary>One row of <c>counts</c>: how many of a label (and taxon) were seen on a day, and what was counted.</summary>
public sealed record DailyCount(string Day, string Category, string Label, int Count, string Unit)
{
    /// <summary>The taxon they were named as, if any.</summary>
    public Taxon? Taxon { get; init; }

    /// <summary>How people read what was counted: the taxon, else the detector's label.</summary>
    public string Name => Taxon?.Display ?? Label;
}

/// <summary>
/// One animal (or person, or vehicle) a video source saw: a track, or several tracks of one flight
/// placed so close together that they are the same one seen again.
/// </summary>
/// <param name="SourceId">The video source.</param>
/// <param name="Flight">When the run of the stream (a drone's flight) that saw it began, UTC.</param>
/// <param name="Label">What the model called it.</param>
/// <param name="Category">Animal, person or vehicle.</param>
/// <param name="FirstSeen">When it was first seen.</param>
/// <param name="Position">Where it was placed on the ground; null when it was not placed from a pose.</param>
/// <param name="TrackId">Its (first) track.</param>
/// <param name="LastSeen">When that track was last seen.</param>
/// <param name="Snapshot">That track's best-frame snapshot, if one was saved.</param>
/// <param name="Recorded">The position recorded with the track however it was placed (a fixed camera's own, say); null when none.</param>
public sealed record SeenAnimal(
    string SourceId, DateTimeOffset Flight, string Label, string Category, DateTimeOffset FirstSeen, GeoPosition? Position,
    string TrackId = "", DateTimeOffset LastSeen = default, string? Snapshot = null, GeoPosition? Recorded = null)
{
    /// <summary>What its frames named it, by vote, if anything.</summary>
    public Named? Named { get; init; }
}

/// <summary>A taxon a record was named as, with the answer's score.</summary>
public sealed record Named(Taxon Taxon, float Score);

/// <summary>
/// What the records count as one sighting: a camera trap's burst of pictures of one label (the
/// pictures of one camera and label each within the burst gap of the one before), or one animal seen
/// by a video source (a track, with a flight's tracks placed close together merged).
/// </summary>
/// <param name="SourceId">The camera trap, drone or camera.</param>
/// <param name="Label">What the model called it.</param>
/// <param name="Category">animal, person or vehicle.</param>
/// <param name="Start">When it was first seen.</param>
/// <param name="End">When it was last seen.</param>
/// <param name="Pictures">Pictures of the burst (video: 0).</param>
/// <param name="Count">Most individuals in one picture of the burst (video: 1).</param>
/// <param name="Position">Where: placed on the ground, else the camera's position; null when unknown.</param>
/// <param name="Unit"><c>burst</c> or <c>track</c>.</param>
/// <param name="EventId">The burst's id (its camera, label and first picture's time) or the track id.</param>
public sealed record Sighting(
    string SourceId, string Label, string Category, DateTimeOffset Start, DateTimeOffset End, int Pictures, int Count, GeoPosition? Position, string Unit, string EventId)
{
    /// <summary>What it was named as (a burst: by the vote of its pictures), if anything.</summary>
    public Named? Named { get; init; }

    /// <summary>How people read what it was: the taxon, else the detector's label.</summary>
    public string Name => Named?.Taxon.Display ?? Label;
}

/// <summary>A source's time in a period: down (reconnecting, failed or starting), the agent stopped, how many times it went down, and up.</summary>
public readonly record struct Downtime(TimeSpan Down, TimeSpan Stopped, int Outages)
{
    /// <summary>Time it was up: a camera's effort.</summary>
    public TimeSpan Up { get; init; }

    /// <summary>Time it was up on each UTC day.</summary>
    public IReadOnlyDictionary<DateOnly, TimeSpan>? UpPerDay { get; init; }

    /// <summary>When, in the period, it first came up and was last up: the span a camera was deployed and working.</summary>
    public (DateTimeOffset First, DateTimeOffset Last)? UpSpan { get; init; }
}

/// <summary>A picture the agent finished: its file, when it was taken, its size and its detections, or why it failed.</summary>
public sealed record PictureRow(string SourceId, string Path, DateTimeOffset TakenAt, int? Width, int? Height, int Detections, string? Failure)
{
    /// <summary>Why the camera's own capture time was not taken (a reset clock, no EXIF time); null when it was.</summary>
    public string? TimestampIssue { get; init; }
}

/// <summary>A camera-trap detection with the picture it came from.</summary>
public sealed record DetectionRow(
    long Id, string SourceId, string? Path, DateTimeOffset CapturedAt, string Label, string Category, float Confidence, float X, float Y, float Width, float Height)
{
    /// <summary>What it was named as, if anything.</summary>
    public Named? Named { get; init; }

    /// <summary>How it was named: the classifier's name, or <c>detector</c>.</summary>
    public string? NamedBy { get; init; }
}
