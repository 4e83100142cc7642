namespace EdgeAgent.Alerting.Geofencing;


/// <summary>Configuration section <c>Geofencing</c>: the zones file and where each camera stands.</summary>
public sealed class GeofencingOptions : IOptionsSection
{
    /// <summary>The section's name.</summary>
    public static string SectionName => "Geofencing";

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
        foreach (var problem in ListSettings.Problems("Geofencing:Cameras", Cameras, "Id", c => c.Id))
        {
            yield return problem;
        }
    }
}
