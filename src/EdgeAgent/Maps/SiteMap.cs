namespace EdgeAgent.Maps;

using System.Globalization;
using System.Net;
using System.Text;
using EdgeAgent.Alerting.Geofencing;
using EdgeAgent.Common.Observations;
using EdgeAgent.Alerting.Rules;
using EdgeAgent.Recording;
using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Utilities;

/// <summary>What the map draws: zones, cameras, placed records and the alerts' positions.</summary>
/// <param name="Zones">The zones.</param>
/// <param name="Cameras">The fixed cameras.</param>
/// <param name="Records">Placed records (video tracks, camera-trap detections).</param>
/// <param name="Alerts">Alerts, drawn where they were placed.</param>
public sealed record MapView(IReadOnlyList<Zone> Zones, IReadOnlyList<CameraSite> Cameras, IReadOnlyList<PlacedRecord> Records, IReadOnlyList<Alert> Alerts);

/// <summary>The site's map as SVG, for the station page and the report alike.</summary>
public static class SiteMap
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    /// <summary>The map's style, which every page that draws it includes.</summary>
    public static string Css { get; } = EmbeddedText.Read("Maps/site-map.css");

    /// <summary>
    /// The map as SVG, drawn from the coordinates alone (the station has no tile server): zones,
    /// cameras, the last week's placed records and the alerts, with a scale bar and a north arrow.
    /// </summary>
    /// <param name="map">What to draw.</param>
    /// <param name="cameraLabel">Each camera's label; its id when not given.</param>
    public static string Draw(MapView map, Func<CameraSite, string>? cameraLabel = null)
    {
        ArgumentNullException.ThrowIfNull(map);
        var points = map.Zones.SelectMany(z => z.Geometry.Coordinates.Select(c => new GeoPosition(c.Y, c.X)))
            .Concat(map.Cameras.Select(c => c.Position()))
            .Concat(map.Records.Select(r => r.Position))
            .Concat(map.Alerts.Select(a => a.Observation.Position).OfType<GeoPosition>())
            .ToList();
        if (points.Count == 0)
        {
            return "<p>Nothing to draw: no zones, cameras or placed records.</p>";
        }

        var projection = new Projection(points);
        var svg = new StringBuilder().Append(C, $"<svg class=\"map\" viewBox=\"0 0 {Projection.Width} {projection.Height:0}\" width=\"{Projection.Width}\" height=\"{projection.Height:0}\" role=\"img\" aria-label=\"map\">");

        // A scale bar of a round length near a quarter of the width, and north up; labels keep off both.
        var metres = new[] { 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 20_000, 50_000, 100_000, 200_000 }
            .MinBy(m => Math.Abs((m * projection.PixelsPerMetre) - (Projection.Width / 4.0)));
        var bar = metres * projection.PixelsPerMetre;
        var bottom = projection.Height - 12;
        var labels = new MapLabels(Projection.Width, projection.Height);
        labels.Reserve(new Envelope(10, 14 + bar, bottom - 22, bottom + 2));
        labels.Reserve(new Envelope(Projection.Width - 34, Projection.Width - 14, 8, 50));

        // Cameras' labels first (each belongs beside its mark), then each zone's inside it.
        var cameras = map.Cameras.Select(c => (Camera: c, X: projection.X(c.Position().Longitude), Y: projection.Y(c.Position().Latitude), Label: cameraLabel?.Invoke(c) ?? c.Id)).ToList();
        cameras.ForEach(c => labels.Reserve(new Envelope(c.X - 6, c.X + 6, c.Y - 6, c.Y + 6)));
        var cameraLabels = cameras.Select(c => labels.Beside(c.X, c.Y, c.Label, 11, 8)).ToList();
        var zones = map.Zones.Select(z => (Zone: z, Pixels: projection.ToPixels(z.Geometry))).ToList();
        var zoneLabels = zones.Select(z => labels.Inside(z.Pixels, zones.Where(o => o.Pixels.Area < z.Pixels.Area).Select(o => o.Pixels), z.Zone.Name, 12)).ToList();

        foreach (var (zone, pixels) in zones)
        {
            var d = new StringBuilder();
            foreach (var polygon in Polygons(pixels))
            {
                foreach (var ring in new[] { polygon.ExteriorRing }.Concat(polygon.InteriorRings))
                {
                    d.Append(string.Join(' ', ring.Coordinates.Select((c, i) => $"{(i == 0 ? 'M' : 'L')}{c.X:0.#},{c.Y:0.#}"))).Append(" Z ");
                }
            }

            svg.Append(C, $"<path class=\"zone\" data-zone=\"{H(zone.Id)}\" fill-rule=\"evenodd\" d=\"{d.ToString().Trim()}\"><title>{H(zone.Name)} ({H(zone.Id)})</title></path>");
        }

        foreach (var r in map.Records)
        {
            svg.Append(C, $"<circle class=\"record {H(r.Category)}\" cx=\"{projection.X(r.Position.Longitude):0.#}\" cy=\"{projection.Y(r.Position.Latitude):0.#}\" r=\"3\">");
            svg.Append(C, $"<title>{H(r.Name)} {r.Confidence:0.00}, {H(r.SourceId)}, {r.FirstSeen.UtcDateTime:yyyy-MM-dd HH:mm} UTC</title></circle>");
        }

        foreach (var ((zone, _), (x, y)) in zones.Zip(zoneLabels))
        {
            svg.Append(C, $"<text class=\"zone-name\" data-zone=\"{H(zone.Id)}\" x=\"{x:0.#}\" y=\"{y:0.#}\">{H(zone.Name)}</text>");
        }

        foreach (var ((camera, x, y, label), at) in cameras.Zip(cameraLabels))
        {
            svg.Append(C, $"<rect class=\"camera\" data-camera=\"{H(camera.Id)}\" x=\"{x - 5:0.#}\" y=\"{y - 5:0.#}\" width=\"10\" height=\"10\"><title>camera {H(camera.Id)}</title></rect>");
            svg.Append(C, $"<text class=\"camera-name\" data-camera=\"{H(camera.Id)}\" x=\"{at.X:0.#}\" y=\"{at.Y:0.#}\">{H(label)}</text>");
        }

        foreach (var alert in map.Alerts.Where(a => a.Observation.Position is not null))
        {
            var p = alert.Observation.Position!.Value;
            svg.Append(C, $"<circle class=\"alert-mark {alert.Severity.ToString().ToLowerInvariant()}\" data-alert=\"{H(alert.Id)}\" cx=\"{projection.X(p.Longitude):0.##}\" cy=\"{projection.Y(p.Latitude):0.##}\" r=\"7\">");
            svg.Append(C, $"<title>{H(alert.Observation.Detection.Label)} — {H(alert.Rule)}, {alert.Observation.CapturedAt.UtcDateTime:yyyy-MM-dd HH:mm} UTC</title></circle>");
        }

        svg.Append(C, $"<g class=\"scale\"><path d=\"M12,{bottom - 6:0.#} V{bottom:0.#} H{12 + bar:0.#} V{bottom - 6:0.#}\"/>");
        svg.Append(C, $"<text x=\"{12 + (bar / 2):0.#}\" y=\"{bottom - 9:0.#}\">{(metres >= 1000 ? $"{metres / 1000} km" : $"{metres} m")}</text></g>");
        svg.Append(C, $"<g class=\"north\"><path d=\"M{Projection.Width - 24},10 l8,22 l-8,-6 l-8,6 Z\"/><text x=\"{Projection.Width - 24}\" y=\"46\">N</text></g>");
        return svg.Append("</svg>").ToString();
    }

    private static string H(string text) => WebUtility.HtmlEncode(text);

    private static IEnumerable<Polygon> Polygons(Geometry geometry) => geometry switch
    {
        Polygon polygon => [polygon],
        MultiPolygon multi => multi.Geometries.OfType<Polygon>(),
        _ => [],
    };

    /// <summary>Longitude and latitude to pixels: an equirectangular projection about the middle, north up, fitted to the width.</summary>
    private sealed class Projection
    {
        public const int Width = 800;
        private const double MetresPerDegree = 111_320;
        private readonly double _minLon;
        private readonly double _maxLat;
        private readonly double _metresPerLonDegree;

        public Projection(List<GeoPosition> points)
        {
            var (minLat, maxLat) = (points.Min(p => p.Latitude), points.Max(p => p.Latitude));
            var (minLon, maxLon) = (points.Min(p => p.Longitude), points.Max(p => p.Longitude));
            _metresPerLonDegree = MetresPerDegree * Math.Cos((minLat + maxLat) / 2 * Math.PI / 180);

            // At least 200 m across, and a margin of a tenth around what is drawn.
            var spanX = Math.Max(200, (maxLon - minLon) * _metresPerLonDegree);
            var spanY = Math.Max(200, (maxLat - minLat) * MetresPerDegree);
            var (padX, padY) = (spanX * 0.1, spanY * 0.1);
            _minLon = ((minLon + maxLon) / 2) - (((spanX / 2) + padX) / _metresPerLonDegree);
            _maxLat = ((minLat + maxLat) / 2) + (((spanY / 2) + padY) / MetresPerDegree);
            PixelsPerMetre = Math.Min(Width / (spanX + (2 * padX)), 600 / (spanY + (2 * padY)));
            Height = Math.Max(240, (spanY + (2 * padY)) * PixelsPerMetre);
        }

        public double PixelsPerMetre { get; }

        public double Height { get; }

        public double X(double longitude) => (longitude - _minLon) * _metresPerLonDegree * PixelsPerMetre;

        public double Y(double latitude) => (_maxLat - latitude) * MetresPerDegree * PixelsPerMetre;

        /// <summary>A geometry in pixels: the projection is affine (x scaled and shifted, y flipped), so shapes stay shapes.</summary>
        public Geometry ToPixels(Geometry geometry)
        {
            var (kx, ky) = (_metresPerLonDegree * PixelsPerMetre, MetresPerDegree * PixelsPerMetre);
            return new AffineTransformation(kx, 0, -kx * _minLon, 0, -ky, ky * _maxLat).Transform(geometry);
        }
    }
}
