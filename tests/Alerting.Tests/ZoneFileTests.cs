namespace Alerting.Tests;

using EdgeAgent.Alerting.Geofencing;
using EdgeAgent.Common.Observations;
using EdgeAgent.Common;
using EdgeAgent.Testing;

public sealed class ZoneFileTests
{
    private static string GeoJson(string name) => Path.Combine(TestPaths.Shared, "testdata", "geojson", name);

    [Fact]
    public void The_published_wind_cave_boundary_is_refused_with_the_reason()
    {
        var path = GeoJson("wica_wind_cave_np.geojson");

        var error = Assert.Throws<ConfigurationException>(() => ZoneMap.Load(new GeofencingOptions { ZonesFile = path, IdProperty = "UNIT_CODE" }));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("feature 1 ('WICA')", error.Message, StringComparison.Ordinal);
        Assert.Contains("invalid geometry", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_regrouped_wind_cave_boundary_loads_and_places_points()
    {
        var zones = ZoneMap.Load(new GeofencingOptions
        {
            ZonesFile = GeoJson("wica_wind_cave_np.fixed_multipolygon.geojson"),
            IdProperty = "UNIT_CODE",
            NameProperty = "UNIT_NAME",
        });

        var park = Assert.Single(zones.Zones);
        Assert.Equal(("WICA", "Wind Cave National Park"), (park.Id, park.Name));
        var inside = park.Geometry.InteriorPoint;
        Assert.Single(zones.ZonesAt(new GeoPosition(inside.Y, inside.X)));
        Assert.Empty(zones.ZonesAt(new GeoPosition(-1.29, 36.82)));
    }

    [Fact]
    public void Swapped_coordinates_are_caught()
    {
        using var folder = new TempFolder();
        var path = folder.File("swapped.geojson");
        File.WriteAllText(path, """
            { "type": "Feature", "properties": { "id": "mara" },
              "geometry": { "type": "Polygon", "coordinates": [ [[-1.5, 35.0], [-1.5, 35.3], [-1.2, 35.3], [-1.2, 35.0], [-1.5, 35.0]] ] } }
            """);
        var zones = ZoneMap.Load(new GeofencingOptions { ZonesFile = path });

        var camera = new CameraSite { Id = "CT-07", Latitude = -1.4, Longitude = 35.1 };
        var warning = Assert.Single(zones.SwappedOrderSuspects([camera]));
        Assert.Contains("CT-07", warning, StringComparison.Ordinal);

        File.WriteAllText(path, """
            { "type": "Feature", "properties": { "id": "wica" },
              "geometry": { "type": "Polygon", "coordinates": [ [[43.5, -103.5], [43.6, -103.5], [43.6, -103.4], [43.5, -103.5]] ] } }
            """);
        var error = Assert.Throws<ConfigurationException>(() => ZoneMap.Load(new GeofencingOptions { ZonesFile = path }));
        Assert.Contains("swapped", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{ "type": "Point", "coordinates": [1, 2] }""", "expected a GeoJSON FeatureCollection or Feature")]
    [InlineData("""{ "type": "Feature", "properties": {}, "geometry": { "type": "LineString", "coordinates": [[0,0],[1,1]] } }""", "zones must be Polygon or MultiPolygon")]
    [InlineData("""{ "type": "Feature", "properties": {}, "geometry": { "type": "Polygon", "coordinates": [ [[0,0],[2,2],[2,0],[0,2],[0,0]] ] } }""", "Self-intersection")]
    [InlineData("{ not json", "not valid GeoJSON")]
    public void Bad_files_name_the_problem(string content, string expected)
    {
        using var folder = new TempFolder();
        var path = folder.File("zones.geojson");
        File.WriteAllText(path, content);

        var error = Assert.Throws<ConfigurationException>(() => ZoneMap.Load(new GeofencingOptions { ZonesFile = path }));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_file_is_named()
    {
        var error = Assert.Throws<ConfigurationException>(() => ZoneMap.Load(new GeofencingOptions { ZonesFile = "/nonexistent/zones.geojson" }));
        Assert.Contains("/nonexistent/zones.geojson", error.Message, StringComparison.Ordinal);
    }
}
