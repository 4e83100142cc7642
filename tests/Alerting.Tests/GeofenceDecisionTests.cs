namespace Alerting.Tests;

using EdgeAgent.Alerting.Geofencing;
using EdgeAgent.Common.Observations;
using EdgeAgent.Alerting.Rules;
using EdgeAgent.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

/// <summary>Where an observation is, which rule it meets, what alert it raises: the decision table.</summary>
public sealed class GeofenceDecisionTests : IDisposable
{
    // rhino: a MultiPolygon — a square with a hole (a waterhole the rangers exclude) and a detached parcel.
    // buffer: overlaps rhino's east edge. lodge: a zone no rule mentions.
    private const string Zones = """
        { "type": "FeatureCollection", "features": [
          { "type": "Feature", "properties": { "id": "rhino", "name": "Rhino Sanctuary" },
            "geometry": { "type": "MultiPolygon", "coordinates": [
              [ [[0,0],[10,0],[10,10],[0,10],[0,0]], [[4,4],[4,6],[6,6],[6,4],[4,4]] ],
              [ [[20,0],[22,0],[22,2],[20,2],[20,0]] ] ] } },
          { "type": "Feature", "properties": { "id": "buffer", "name": "Buffer Zone" },
            "geometry": { "type": "Polygon", "coordinates": [ [[8,0],[15,0],[15,10],[8,10],[8,0]] ] } },
          { "type": "Feature", "properties": { "id": "lodge", "name": "Tourist Lodge" },
            "geometry": { "type": "Polygon", "coordinates": [ [[30,30],[31,30],[31,31],[30,31],[30,30]] ] } }
        ] }
        """;

    private readonly TempFolder _folder = new();
    private readonly ZoneMap _zones;
    private readonly RuleEngine _rules;

    public GeofenceDecisionTests()
    {
        var path = _folder.File("zones.geojson");
        File.WriteAllText(path, Zones);
        _zones = ZoneMap.Load(new GeofencingOptions { ZonesFile = path });
        _rules = new RuleEngine(
            Options.Create(new AlertingOptions
            {
                Rules =
                [
                    new AlertRule { Name = "poacher-in-rhino", Objects = ["person", "vehicle"], Where = ZoneScope.Inside, Zones = ["rhino"], Severity = AlertSeverity.Critical },
                    new AlertRule { Name = "person-in-buffer", Objects = ["person"], Where = ZoneScope.Inside, Zones = ["buffer"], Severity = AlertSeverity.Warning },
                    new AlertRule { Name = "elephant-outside-park", Objects = ["elephant"], Where = ZoneScope.Outside, Zones = ["rhino", "buffer"], Severity = AlertSeverity.Info },
                ],
            }),
            new ManualTime(DateTimeOffset.UnixEpoch),
            NullLogger<RuleEngine>.Instance);
    }

    public static TheoryData<string, double, double, string, float, string?, string?> Table => new()
    {
        // case, longitude, latitude, label, confidence, rule, zone
        { "inside", 2, 2, "person", 0.9f, "poacher-in-rhino", "rhino" },
        { "outside every zone", 50, 50, "person", 0.9f, null, null },
        { "on the boundary", 0, 5, "person", 0.9f, "poacher-in-rhino", "rhino" },
        { "in the hole of the multipolygon", 5, 5, "person", 0.9f, null, null },
        { "in the detached part of the multipolygon", 21, 1, "truck", 0.9f, "poacher-in-rhino", "rhino" },
        { "in a zone with no rules", 30.5, 30.5, "person", 0.9f, null, null },
        { "in overlapping zones: the most severe wins", 9, 5, "person", 0.9f, "poacher-in-rhino", "rhino" },
        { "in the buffer only", 12, 5, "person", 0.9f, "person-in-buffer", "buffer" },
        { "an elephant outside the park", 50, 50, "elephant", 0.9f, "elephant-outside-park", null },
        { "an elephant inside the park", 2, 2, "elephant", 0.9f, null, null },
        { "below the rule's confidence", 2, 2, "person", 0.3f, null, null },
    };

    [Theory]
    [MemberData(nameof(Table))]
    public void Decision(string what, double longitude, double latitude, string label, float confidence, string? rule, string? zone)
    {
        var position = new GeoPosition(latitude, longitude);
        var category = label switch { "person" => DetectionCategory.Person, "truck" => DetectionCategory.Vehicle, _ => DetectionCategory.Animal };
        var observation = new Observation($"CT-{what}", DateTimeOffset.UnixEpoch, position, new Detection(label, category, confidence, new BoundingBox(0, 0, 10, 10)));

        var alert = _rules.Decide(observation, _zones.ZonesAt(position));

        Assert.Equal(rule, alert?.Rule);
        Assert.Equal(zone, alert?.ZoneId);
    }

    [Fact]
    public void Overlapping_zones_raise_one_alert()
    {
        var position = new GeoPosition(5, 9);
        Assert.Equal(["rhino", "buffer"], _zones.ZonesAt(position).Select(z => z.Id));
        var observation = new Observation("CT-01", DateTimeOffset.UnixEpoch, position, new Detection("person", DetectionCategory.Person, 0.9f, default));

        var alert = _rules.Decide(observation, _zones.ZonesAt(position));

        Assert.Equal(AlertSeverity.Critical, alert!.Severity);
        Assert.Equal("Rhino Sanctuary", alert.ZoneName);
    }

    public void Dispose() => _folder.Dispose();
}
