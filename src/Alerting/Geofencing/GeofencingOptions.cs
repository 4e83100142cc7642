namespace EdgeAgent.Alerting.Geofencing;

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

            if (!new Observations.GeoPosition(camera.Latitude, camera.Longitude).IsValid)
            {
                yield return $"{key}: latitude {camera.Latitude}, longitude {camera.Longitude} is off the earth";
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

    /// <summary>Latitude, WGS 84 degrees.</summary>
    public double Latitude { get; set; }

    /// <summary>Longitude, WGS 84 degrees.</summary>
    public double Longitude { get; set; }

    /// <summary>Direction the camera faces, degrees from north; informational.</summary>
    public double? Heading { get; set; }

    /// <summary>Horizontal field of view in degrees; informational.</summary>
    public double? FieldOfView { get; set; }

    /// <summary>IANA time zone of the site, for the local time in alerts (e.g. <c>Africa/Johannesburg</c>). UTC when empty.</summary>
    public string TimeZone { get; set; } = "";
}
