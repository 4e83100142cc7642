namespace EdgeAgent.Alerting.Geofencing;

using System.Text.Json;
using EdgeAgent.Common.Observations;
using NetTopologySuite.Features;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO.Converters;
using NetTopologySuite.Operation.Valid;

/// <summary>The zones, loaded once from GeoJSON and checked, and the question "which zones is this point in?".</summary>
public sealed class ZoneMap
{
    private static readonly GeometryFactory Factory = new(new PrecisionModel(), 4326);

    private ZoneMap(IReadOnlyList<Zone> zones) => Zones = zones;

    /// <summary>No zones at all.</summary>
    public static ZoneMap Empty { get; } = new([]);

    /// <summary>All zones, in file order.</summary>
    public IReadOnlyList<Zone> Zones { get; }

    /// <summary>The zones a position lies in (inside or on the boundary).</summary>
    public IReadOnlyList<Zone> ZonesAt(GeoPosition position)
    {
        var point = Factory.CreatePoint(new Coordinate(position.Longitude, position.Latitude));
        return Zones.Where(z => z.Contains(point)).ToList();
    }

    /// <summary>
    /// Reads and checks a zones file. Anything wrong — unreadable, not GeoJSON, not polygons, invalid
    /// geometry, coordinates out of range — is a <see cref="ConfigurationException"/> naming the file, the
    /// feature and the problem, because a zone that is silently wrong misjudges every observation.
    /// </summary>
    public static ZoneMap Load(GeofencingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.ZonesFile))
        {
            return Empty;
        }

        var path = options.ZonesFile;
        var features = ReadFeatures(path);
        var zones = new List<Zone>();
        for (var i = 0; i < features.Count; i++)
        {
            var feature = features[i];
            var properties = feature.Attributes?.GetNames().ToDictionary(n => n, n => (object?)feature.Attributes[n]) ?? [];
            var id = Text(properties.GetValueOrDefault(options.IdProperty))
                ?? Text(feature.Attributes?.Exists("id") == true ? feature.Attributes["id"] : null)
                ?? $"feature-{i + 1}";
            var name = Text(properties.GetValueOrDefault(options.NameProperty)) ?? id;
            var where = $"zones file {path}, feature {i + 1} ('{id}')";

            if (feature.Geometry is not (Polygon or MultiPolygon))
            {
                throw new ConfigurationException($"{where}: is a {feature.Geometry?.GeometryType ?? "feature without geometry"}; zones must be Polygon or MultiPolygon");
            }

            var outOfRange = feature.Geometry.Coordinates.FirstOrDefault(c => c.Y is < -90 or > 90 || c.X is < -180 or > 180);
            if (outOfRange is not null)
            {
                throw new ConfigurationException(
                    $"{where}: coordinate [{outOfRange.X}, {outOfRange.Y}] is off the earth; GeoJSON is [longitude, latitude] — are they swapped?");
            }

            var error = new IsValidOp(feature.Geometry).ValidationError;
            if (error is not null)
            {
                var hint = error.ErrorType is TopologyValidationErrors.HoleOutsideShell or TopologyValidationErrors.NestedShells
                    ? " (a Polygon's first ring must be its outer boundary and the others holes inside it; detached parcels belong in a MultiPolygon)"
                    : "";
                throw new ConfigurationException(
                    $"{where}: invalid geometry: {error.Message} at [{error.Coordinate?.X}, {error.Coordinate?.Y}]{hint}");
            }

            if (zones.Any(z => z.Id == id))
            {
                throw new ConfigurationException($"{where}: id '{id}' is used twice; rules name zones by id");
            }

            zones.Add(new Zone(id, name, feature.Geometry, properties));
        }

        return new ZoneMap(zones);
    }

    /// <summary>
    /// Zones whose area, read as [latitude, longitude], would contain a camera that lies in no zone as
    /// written: the file is then most likely in the wrong order.
    /// </summary>
    public IEnumerable<string> SwappedOrderSuspects(IEnumerable<CameraSite> cameras)
    {
        ArgumentNullException.ThrowIfNull(cameras);
        foreach (var camera in cameras)
        {
            var position = camera.Position();
            var swapped = new GeoPosition(position.Longitude, position.Latitude);
            if (ZonesAt(position).Count == 0 && swapped.IsValid && ZonesAt(swapped) is { Count: > 0 } hits)
            {
                yield return $"camera {camera.Id} lies in no zone, but would lie in '{hits[0].Id}' with latitude and longitude swapped: is the zones file or the camera written in [latitude, longitude] order?";
            }
        }
    }

    private static List<IFeature> ReadFeatures(string path)
    {
        var json = new JsonSerializerOptions { ReadCommentHandling = JsonCommentHandling.Skip };
        json.Converters.Add(new GeoJsonConverterFactory(Factory));
        try
        {
            var text = File.ReadAllText(path);
            using var document = JsonDocument.Parse(text, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
            var type = document.RootElement.TryGetProperty("type", out var t) ? t.GetString() : null;
            return type switch
            {
                "FeatureCollection" => JsonSerializer.Deserialize<FeatureCollection>(text, json)!.ToList(),
                "Feature" => [JsonSerializer.Deserialize<IFeature>(text, json)!],
                _ => throw new ConfigurationException($"zones file {path}: expected a GeoJSON FeatureCollection or Feature, found type '{type}'"),
            };
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigurationException($"zones file {path}: cannot be read: {e.Message}", e);
        }
        catch (Exception e) when (e is JsonException or ArgumentException or InvalidOperationException or NotSupportedException)
        {
            throw new ConfigurationException($"zones file {path}: not valid GeoJSON: {e.Message}", e);
        }
    }

    private static string? Text(object? value) => value?.ToString() is { Length: > 0 } s ? s : null;
}
