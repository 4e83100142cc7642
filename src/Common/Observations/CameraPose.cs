namespace EdgeAgent.Common.Observations;

/// <summary>
/// Where a camera is and where it looks when it takes a frame: from the configuration for a fixed
/// camera, from telemetry for a drone. Angles in degrees.
/// </summary>
/// <param name="Position">The camera's position.</param>
/// <param name="HeightAboveGround">Metres above the ground it looks at; null when unknown.</param>
/// <param name="Heading">Direction of the optical axis, clockwise from true north; null when unknown.</param>
/// <param name="Tilt">Angle of the optical axis below the horizon (90 looks straight down); null when unknown.</param>
/// <param name="Roll">Rotation about the optical axis, clockwise as the camera sees it; 0 for a level camera.</param>
/// <param name="HorizontalFieldOfView">Horizontal field of view of the full frame; null when unknown.</param>
/// <param name="Range">How far from the camera a thing it detects may be, in metres: the uncertainty of a position placed at the camera.</param>
public sealed record CameraPose(
    GeoPosition Position, double? HeightAboveGround = null, double? Heading = null, double? Tilt = null, double Roll = 0,
    double? HorizontalFieldOfView = null, double Range = CameraPose.DefaultRange)
{
    /// <summary>About the reach of a camera trap's trigger.</summary>
    public const double DefaultRange = 30;

    /// <summary>Whether every value needed to project a pixel onto the ground is known.</summary>
    public bool CanProject => HeightAboveGround > 0 && Heading is not null && Tilt is not null && HorizontalFieldOfView is > 0 and < 180;
}
