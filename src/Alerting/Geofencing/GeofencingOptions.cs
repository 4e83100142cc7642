namespace EdgeAgent.Alerting.Geofencing;

using EdgeAgent.Common.Observations;

using EdgeAgent.Common;

/// <summary>Configuration section <c>Geofencing</c>: the zones file and where each camera stands.</summary>
public sealed class GeofencingOptions : ISelfValidating
{
    /// <summary>The section's name.</summary>
    public const string SectionName = "Geofencing";

    /// <summary>GeoJSON file of zones (a FeatureCollection, or one Feature, of Polygons and MultiPolygons). Empty: no zones.</summary>
    public string ZonesFile { get; set; } = "";

    /// <summary>Feature property that holds a zone's id; the feature's own id, then its position in the file, when absent.</summary>
    public string IdProperty { get; set; } = "id";

    /// <summary>Feature property that holds a zone's name for people; the id when absent.</summary>
    public string NameProperty { get; set; } = "name";

    /// <summary>Fixed cameras and their positions.</summary>
    public List<CameraSite> Cameras { get; set; } = [];

    /// <inheritdoc />
    public IEnumerable<string> Problems()
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < Cameras.Count; i++)
        {
            var camera = Cameras[i];
            var key = $"Geofencing:Cameras:{i}";
            if (camera.Id.Length == 0)
            {
                yield return $"{key}:Id: a camera needs an id";
            }
            else if (!seen.Add(camera.Id))
            {
                yield return $"{key}:Id: '{camera.Id}' is used twice";
            }

            if (camera.Latitude is null || camera.Longitude is null)
            {
                yield return $"{key}: a camera needs its position, Latitude and Longitude (WGS 84 degrees)";
            }
            else if (!camera.Position().IsValid)
            {
                yield return $"{key}: latitude {camera.Latitude}, longitude {camera.Longitude} is off the earth";
            }

            if (camera.FieldOfView is { } fov && fov is <= 0 or >= 180)
            {
                yield return $"{key}:FieldOfView: {fov} must lie between 0 and 180 degrees";
            }

            if (camera.Height is <= 0)
            {
                yield return $"{key}:Height: {camera.Height} must be above 0 metres";
            }

            if (camera.Tilt is { } tilt && tilt is < -90 or > 90)
            {
                yield return $"{key}:Tilt: {tilt} must lie between -90 and 90 degrees";
            }

            if (camera.Range <= 0)
            {
                yield return $"{key}:Range: {camera.Range} must be above 0 metres";
            }

            if (camera.TimeZone.Length > 0 && !TimeZoneInfo.TryFindSystemTimeZoneById(camera.TimeZone, out _))
            {
                yield return $"{key}:TimeZone: '{camera.TimeZone}' is not a known time zone (use an IANA name such as Africa/Nairobi)";
            }
        }
    }
}

/// <summary>Where a fixed camera (a camera trap, a mast camera) stands.</summary>
public sealed class CameraSite
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

    /// <summary>Where the camera stands; both coordinates are checked at start-up.</summary>
    public GeoPosition Position() => new(Latitude ?? double.NaN, Longitude ?? double.NaN);

    /// <summary>IANA time zone of the site, for the local time in alerts (e.g. <c>Africa/Johannesburg</c>). UTC when empty.</summary>
    public string TimeZone { get; set; } = "";
}
