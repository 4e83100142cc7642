namespace EdgeAgent.Common.Observations;

/// <summary>
/// One detection from one source at one moment and place: what the alerting stage decides on.
/// </summary>
/// <param name="SourceId">The camera trap, drone or fixed camera, as named in the configuration.</param>
/// <param name="CapturedAt">When the picture was taken.</param>
/// <param name="Position">Where the thing was seen; for a camera trap, the camera's position. Null when unknown.</param>
/// <param name="Detection">What was seen.</param>
/// <param name="Picture">The annotated picture as JPEG, if any.</param>
/// <param name="ReceivedAt">When the agent got the picture (a camera-trap file's arrival); latency is measured from it. Null: the capture time.</param>
/// <param name="Subject">What was seen, as something that can be seen again: a camera-trap picture's key or a video track's; alert ids derive from it. Null: a one-off (a test alert).</param>
/// <param name="Uncertainty">How far, in metres, the thing may be from <paramref name="Position"/>; null when unknown.</param>
/// <param name="Camera">Where the camera was and looked (a drone's position, height and heading), when known.</param>
public sealed record Observation(
    string SourceId, DateTimeOffset CapturedAt, GeoPosition? Position, Detection Detection, byte[]? Picture = null, DateTimeOffset? ReceivedAt = null,
    string? Subject = null, double? Uncertainty = null, CameraPose? Camera = null)
{
    /// <summary>Where the latency of this observation's alerts counts from.</summary>
    public DateTimeOffset LatencyStart => ReceivedAt ?? CapturedAt;
}
