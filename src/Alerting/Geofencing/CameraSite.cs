namespace EdgeAgent.Alerting.Geofencing;

using EdgeAgent.Common.Observations;

/// <summary>Where a fixed camera (a camera trap, a mast camera) stands.</summary>
public sealed class CameraSite : IListItem
{
    /// <summary>The source id that its pictures carry, e.g. <c>CT-07</c>.</summary>
    public string Id { get; set; } = "";

    /// <summary>When the camera was set up: a picture dated earlier comes from a reset clock.</summary>
    public DateTimeOffset? DeployedSince { get; set; }

    /// <summary>Latitude, WGS 84 degrees. Required: left out, the camera would stand at 0° N 0° E.</summary>
    public double? Latitude { get; set; }

    /// <summary>Longitude, WGS 84 degrees. Required.</summary>
    public double? Longitude { get; set; }

    /// <summary>Direction the camera faces, degrees clockwise from true north.</summary>
    public double? Heading { get; set; }

    /// <summary>Horizontal field of view in degrees.</summary>
    public double? FieldOfView { get; set; }

    /// <summary>Height of the lens above the ground it looks at, metres.</summary>
    public double? Height { get; set; }

    /// <summary>Angle of the optical axis below the horizon, degrees (90: straight down).</summary>
    public double? Tilt { get; set; }

    /// <summary>Rotation about the optical axis, degrees clockwise as the camera sees it; 0 for a level camera.</summary>
    public double Roll { get; set; }

    /// <summary>How far away the camera detects things, metres: the uncertainty of a position placed at the camera.</summary>
    public double Range { get; set; } = CameraPose.DefaultRange;

    /// <summary>IANA time zone of the site, for the local time in alerts (e.g. <c>Africa/Johannesburg</c>). UTC when empty.</summary>
    public string TimeZone { get; set; } = "";

    /// <summary>Where the camera stands; both coordinates are checked at start-up.</summary>
    public GeoPosition Position() => new(Latitude ?? double.NaN, Longitude ?? double.NaN);

    /// <inheritdoc />
    public IEnumerable<string> Problems()
    {
        if (Latitude is null || Longitude is null)
        {
            yield return ": a camera needs its position, Latitude and Longitude (WGS 84 degrees)";
        }
        else if (!Position().IsValid)
        {
            yield return $": latitude {Latitude}, longitude {Longitude} is off the earth";
        }

        if (FieldOfView is { } fov && fov is <= 0 or >= 180)
        {
            yield return $":FieldOfView: {fov} must lie between 0 and 180 degrees";
        }

        if (Height is <= 0)
        {
            yield return $":Height: {Height} must be above 0 metres";
        }

        if (Tilt is { } tilt && tilt is < -90 or > 90)
        {
            yield return $":Tilt: {tilt} must lie between -90 and 90 degrees";
        }

        if (Range <= 0)
        {
            yield return $":Range: {Range} must be above 0 metres";
        }

        if (TimeZoneSetting.Problem(TimeZone) is { } zone)
        {
            yield return zone;
        }
    }
}
