namespace EdgeAgent.Telemetry;

using System.Globalization;
using EdgeAgent.Common.Observations;

/// <summary>What an altitude is measured from.</summary>
public enum AltitudeReference
{
    /// <summary>Mean sea level (MISB ST 0601 tag 15, GPS altitude in DJI EXIF).</summary>
    MeanSeaLevel,

    /// <summary>The WGS 84 ellipsoid (MISB ST 0601 tag 75).</summary>
    Ellipsoid,

    /// <summary>The take-off point (DJI relative altitude).</summary>
    TakeOff,
}

/// <summary>
/// One timed sample of where an aircraft and its camera were and looked, as a telemetry source
/// sends it. Angles in degrees, distances in metres; null where the sender said nothing.
/// </summary>
public sealed record PoseSample
{
    /// <summary>When the sample was taken, by a UTC clock (MISB precision time stamps, MAVLink's arrival); null otherwise.</summary>
    public DateTimeOffset? Time { get; init; }

    /// <summary>
    /// When the sample was taken by the aircraft's local clock, whose zone it does not say (DJI
    /// subtitles and photos); null when it gives none (older DJI subtitles) or a UTC <see cref="Time"/>.
    /// </summary>
    public DateTime? LocalTime { get; init; }

    /// <summary>Time into the video the sample belongs to (DJI subtitles), if known.</summary>
    public TimeSpan? VideoTime { get; init; }

    /// <summary>Where the aircraft (its sensor) is; null unless the sender gave both coordinates.</summary>
    public GeoPosition? Position { get; init; }

    /// <summary>Altitude, from <see cref="AltitudeReference"/>.</summary>
    public double? Altitude { get; init; }

    /// <summary>What <see cref="Altitude"/> is measured from: mean sea level unless the sender says otherwise.</summary>
    public AltitudeReference AltitudeReference { get; init; } = AltitudeReference.MeanSeaLevel;

    /// <summary>Height above the ground the camera looks at, where the sender gives it or it follows (DJI relative altitude over flat ground; MISB altitude minus frame-centre elevation).</summary>
    public double? HeightAboveGround { get; init; }

    /// <summary>The aircraft's heading (clockwise from true north), pitch and roll.</summary>
    public Attitude Platform { get; init; }

    /// <summary>
    /// The sensor's azimuth, elevation and roll: relative to the platform (MISB), or the gimbal's
    /// earth-referenced yaw, pitch and roll (DJI, with <see cref="GimbalIsEarthReferenced"/>).
    /// </summary>
    public Attitude Sensor { get; init; }

    /// <summary>Whether the sensor angles are earth-referenced (a stabilised gimbal, as DJI reports) rather than relative to the platform.</summary>
    public bool GimbalIsEarthReferenced { get; init; }

    /// <summary>Horizontal field of view.</summary>
    public double? HorizontalFieldOfView { get; init; }

    /// <summary>Vertical field of view.</summary>
    public double? VerticalFieldOfView { get; init; }

    /// <summary>Where the sender itself says the image centre is on the ground (MISB tags 23/24), if it says.</summary>
    public GeoPosition? ReportedFrameCenter { get; init; }

    /// <summary>The elevation of the reported frame centre (MISB tag 25), metres above mean sea level.</summary>
    public double? FrameCenterElevation { get; init; }

    /// <summary>Distance from the sensor to the frame centre (MISB tag 21).</summary>
    public double? SlantRange { get; init; }

    /// <summary>
    /// The first value no aircraft or camera can report (not a number, infinite, a latitude beyond
    /// ±90, an altitude of 10⁶ m, a field of view over 180°), named with its range; null when every
    /// value is plausible. A sample with one is refused whole: a corrupt packet or card is not trusted
    /// to have got the rest right.
    /// </summary>
    public string? Implausible()
    {
        (string Name, double? Value, double Min, double Max)[] ranges =
        [
            ("latitude", Position?.Latitude, -90, 90), ("longitude", Position?.Longitude, -180, 180), ("altitude", Altitude, -1_000, 100_000),
            ("height above ground", HeightAboveGround, -1_000, 100_000), ("heading", Platform.Yaw, -360, 360), ("pitch", Platform.Pitch, -180, 180),
            ("roll", Platform.Roll, -180, 180), ("sensor azimuth", Sensor.Yaw, -360, 360), ("sensor elevation", Sensor.Pitch, -180, 180),
            ("sensor roll", Sensor.Roll, -360, 360), ("horizontal field of view", HorizontalFieldOfView, 0, 180), ("vertical field of view", VerticalFieldOfView, 0, 180),
            ("frame centre latitude", ReportedFrameCenter?.Latitude, -90, 90), ("frame centre longitude", ReportedFrameCenter?.Longitude, -180, 180),
            ("frame centre elevation", FrameCenterElevation, -1_000, 100_000), ("slant range", SlantRange, 0, 10_000_000),
        ];
        foreach (var (name, value, min, max) in ranges)
        {
            // Written so that NaN fails too.
            if (value is { } v && !(v >= min && v <= max))
            {
                return string.Create(CultureInfo.InvariantCulture, $"{name} {v} is not within {min}…{max}");
            }
        }

        return null;
    }
}
