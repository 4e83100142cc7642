namespace EdgeAgent.Alerting.Geofencing;

using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Prepared;

/// <summary>A named area: the zone around a rhino herd, a park boundary, a road corridor.</summary>
public sealed class Zone
{
    private readonly IPreparedGeometry _prepared;

    /// <summary>A zone over a valid polygonal geometry in longitude/latitude.</summary>
    public Zone(string id, string name, Geometry geometry, IReadOnlyDictionary<string, object?> properties)
    {
        ArgumentNullException.ThrowIfNull(geometry);
        Id = id;
        Name = name;
        Geometry = geometry;
        Properties = properties;
        _prepared = PreparedGeometryFactory.Prepare(geometry);
    }

    /// <summary>Stable id, used in rules.</summary>
    public string Id { get; }

    /// <summary>Name for people, used in alerts.</summary>
    public string Name { get; }

    /// <summary>The area (x = longitude, y = latitude).</summary>
    public Geometry Geometry { get; }

    /// <summary>The feature's other properties.</summary>
    public IReadOnlyDictionary<string, object?> Properties { get; }

    /// <summary>Whether a point lies in the zone. A point on the boundary counts as inside: better one alert too many at the fence line than one too few.</summary>
    public bool Contains(Point point) => _prepared.Covers(point);
}
