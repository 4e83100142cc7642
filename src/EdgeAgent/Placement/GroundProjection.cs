namespace EdgeAgent.Placement;

using EdgeAgent.Common.Observations;

/// <summary>How a detection's position was found.</summary>
public enum PlacedBy
{
    /// <summary>No position: the source has no pose.</summary>
    Nowhere,

    /// <summary>At the camera: its pose is not complete enough to project, or the box lies above the horizon.</summary>
    Camera,

    /// <summary>The ground point under the box's bottom centre, projected from the camera's pose.</summary>
    Ground,
}

/// <summary>Where a detection is on the ground, how sure that is, and how it was found.</summary>
/// <param name="Position">The position; null when nothing is known.</param>
/// <param name="Uncertainty">Metres the thing may be from <paramref name="Position"/>; null with no position.</param>
/// <param name="By">How the position was found.</param>
public readonly record struct Placement(GeoPosition? Position, double? Uncertainty, PlacedBy By)
{
    /// <summary>No position.</summary>
    public static Placement Nowhere => new(null, null, PlacedBy.Nowhere);
}

/// <summary>
/// The place stage's geometry, flat earth: a pixel becomes a ray through the camera (pinhole, from the
/// horizontal field of view), the ray is turned by the camera's roll, tilt and heading into
/// north-east-down, and meets the ground <see cref="CameraPose.HeightAboveGround"/> below the camera.
/// Good to a few metres within a few hundred metres of the camera on level ground; terrain relief
/// and the pose's own errors are what limit it (see <see cref="Uncertainty"/>).
/// </summary>
public static class GroundProjection
{
    /// <summary>Mean earth radius, metres.</summary>
    public const double EarthRadius = 6_371_000;

    /// <summary>Pointing error assumed for the uncertainty (heading and tilt each), degrees.</summary>
    public const double PointingErrorDegrees = 1;

    /// <summary>Height error assumed for the uncertainty, as a fraction of the height.</summary>
    public const double HeightError = 0.05;

    /// <summary>
    /// Places a detection: at the ground point under its box's bottom centre (where an animal or a
    /// person stands) when the pose allows, else at the camera, else nowhere.
    /// </summary>
    public static Placement Place(CameraPose? pose, BoundingBox box, int width, int height)
    {
        if (pose is null)
        {
            return Placement.Nowhere;
        }

        if (pose.CanProject && Project(pose, box.X + (box.Width / 2), box.Y + box.Height, width, height) is { } ground)
        {
            return new Placement(ground.Position, ground.Uncertainty, PlacedBy.Ground);
        }

        return new Placement(pose.Position, pose.Range, PlacedBy.Camera);
    }

    /// <summary>The ground point seen at pixel (<paramref name="u"/>, <paramref name="v"/>) of a <paramref name="width"/>×<paramref name="height"/> frame; null when the ray does not reach the ground.</summary>
    public static (GeoPosition Position, double Uncertainty)? Project(CameraPose pose, double u, double v, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(pose);
        if (!pose.CanProject || width <= 0 || height <= 0)
        {
            return null;
        }

        var h = pose.HeightAboveGround!.Value;
        var f = width / 2.0 / Math.Tan(double.DegreesToRadians(pose.HorizontalFieldOfView!.Value) / 2);

        // Camera frame: x along the optical axis, y to the right of the picture, z down the picture.
        var (x, y, z) = (1.0, (u - (width / 2.0)) / f, (v - (height / 2.0)) / f);
        (y, z) = Rotate(y, z, double.DegreesToRadians(pose.Roll));

        // Pitch is the tilt above the horizon: a camera tilted down has negative pitch.
        var pitch = -double.DegreesToRadians(pose.Tilt!.Value);
        (x, z) = (x * Math.Cos(pitch) + z * Math.Sin(pitch), -x * Math.Sin(pitch) + z * Math.Cos(pitch));
        var (north, east) = Rotate(x, y, double.DegreesToRadians(pose.Heading!.Value));
        var down = z;

        var length = Math.Sqrt((north * north) + (east * east) + (down * down));
        if (down / length < 1e-3)
        {
            // At or above the horizon (or so close to it that the point is kilometres away).
            return null;
        }

        var t = h / down;
        var (n, e) = (t * north, t * east);
        var latitude = pose.Position.Latitude + double.RadiansToDegrees(n / EarthRadius);
        var longitude = pose.Position.Longitude + double.RadiansToDegrees(e / (EarthRadius * Math.Cos(double.DegreesToRadians(pose.Position.Latitude))));
        return (new GeoPosition(latitude, longitude), Uncertainty(h, Math.Sqrt((n * n) + (e * e)), Math.Asin(down / length)));
    }

    /// <summary>Metres between two nearby points on flat ground (equirectangular): within a flight or a camera's view.</summary>
    public static double Distance(GeoPosition a, GeoPosition b)
    {
        var north = double.DegreesToRadians(b.Latitude - a.Latitude) * EarthRadius;
        var east = double.DegreesToRadians(b.Longitude - a.Longitude) * EarthRadius * Math.Cos(double.DegreesToRadians(a.Latitude));
        return Math.Sqrt((north * north) + (east * east));
    }

    /// <summary>
    /// Metres of error for a point at ground distance <paramref name="range"/>, seen at
    /// <paramref name="depression"/> radians below the horizon from <paramref name="height"/> metres:
    /// along the ray, a pointing error moves the point by h·Δ/sin²(depression) — large for shallow
    /// rays; across it, by range·Δ; and a height error scales the range.
    /// </summary>
    public static double Uncertainty(double height, double range, double depression)
    {
        var delta = double.DegreesToRadians(PointingErrorDegrees);
        var along = height * delta / Math.Pow(Math.Sin(depression), 2);
        var across = range * delta;
        var scale = range * HeightError;
        return Math.Sqrt((along * along) + (across * across) + (scale * scale));
    }

    private static (double A, double B) Rotate(double a, double b, double angle) =>
        ((a * Math.Cos(angle)) - (b * Math.Sin(angle)), (a * Math.Sin(angle)) + (b * Math.Cos(angle)));
}
