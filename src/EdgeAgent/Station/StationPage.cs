namespace EdgeAgent.Station;

using System.Globalization;
using System.Net;
using System.Text;
using EdgeAgent.Alerting.Outbox;
using EdgeAgent.Hosting;
using EdgeAgent.Recording;
using NetTopologySuite.Geometries;

/// <summary>
/// The station page's HTML, written on the server: every text that comes from outside — source ids,
/// labels, zone and rule names, server replies — goes through <see cref="H"/>, and every id in a URL
/// through <see cref="U"/>. The sections are fragments the page's script fetches again every few
/// seconds, so a new alert shows without a reload.
/// </summary>
public static class StationPage
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    /// <summary>The sections the page polls, in page order.</summary>
    public static readonly string[] Sections = ["sources", "alerts", "map", "counts"];

    /// <summary>The whole page: a frame around the sections, each filled by its fragment.</summary>
    public static string Page(IReadOnlyDictionary<string, string> sections, bool loginRequired, string token)
    {
        var body = new StringBuilder();
        body.Append("<header><h1>edge-agent</h1><span id=\"updated\"></span>");
        if (loginRequired)
        {
            body.Append(C, $"<form method=\"post\" action=\"/logout\">{Token(token)}<button>Log out</button></form>");
        }

        body.Append("</header><main>");
        foreach (var (id, title) in Sections.Zip(new[] { "Sources", "Alerts", "Map", "Counts, last 30 days" }))
        {
            body.Append(C, $"<section><h2>{title}</h2><div id=\"{id}\" data-fragment=\"/fragments/{id}\">{sections[id]}</div></section>");
        }

        body.Append("</main>");
        return Layout("edge-agent station", body.ToString(), script: true);
    }

    /// <summary>The login form, with why the last try failed.</summary>
    public static string Login(string? error, string token) => Layout(
        "edge-agent: log in",
        $"<main class=\"login\"><h1>edge-agent</h1><form method=\"post\" action=\"/login\">{Token(token)}" +
        "<label>Password <input type=\"password\" name=\"password\" autocomplete=\"current-password\" autofocus required></label>" +
        $"<button>Log in</button></form>{(error is null ? "" : $"<p class=\"error\">{H(error)}</p>")}</main>",
        script: false);

    /// <summary>Each source's state, rate, last frame and last error.</summary>
    public static string Sources(IReadOnlyList<SourceView> sources, DateTimeOffset now)
    {
        if (sources.Count == 0)
        {
            return "<p>No sources are configured.</p>";
        }

        var html = new StringBuilder("<table class=\"sources\"><thead><tr><th>Source</th><th>State</th><th>Per minute</th><th>Dropped</th><th>Last frame</th><th></th><th>Last error</th></tr></thead><tbody>");
        foreach (var s in sources)
        {
            var state = s.State switch
            {
                SourceState.Up => "up",
                SourceState.Backoff => "reconnecting",
                SourceState.Failed => "failed",
                _ => "starting",
            };
            var since = s.Since is { } at ? $" for {Age(now - at)}" : "";
            var detail = s.State == SourceState.Up || s.Detail.Length == 0 ? "" : $"<div class=\"detail\">{H(s.Detail)}</div>";
            var thumbnail = s.Activity?.ThumbnailAt is { } shot
                ? $"<img loading=\"lazy\" alt=\"last frame of {H(s.Id)}\" width=\"160\" src=\"/sources/{U(s.Id)}/thumbnail?at={shot.ToUnixTimeMilliseconds()}\">"
                : "";
            var last = s.Activity?.LastFrameAt is { } frameAt ? $"{Age(now - frameAt)} ago" : "none yet";
            var error = s.LastError is { } e ? $"{H(e.Error)} <span class=\"when\">({Age(now - e.At)} ago)</span>" : "";
            html.Append(C, $"<tr data-source=\"{H(s.Id)}\" data-state=\"{state}\"><td><b>{H(s.Id)}</b><div class=\"detail\">{s.Kind}</div></td>");
            html.Append(C, $"<td><span class=\"state {state}\">{state}</span>{since}{detail}</td><td>{s.Activity?.FramesLastMinute ?? 0}</td><td>{s.Dropped:0}</td>");
            html.Append(C, $"<td>{last}</td><td>{thumbnail}</td><td>{error}</td></tr>");
        }

        return html.Append("</tbody></table>").ToString();
    }

    /// <summary>The latest alerts with their pictures and each channel's delivery; a failed one has a retry button.</summary>
    public static string Alerts(IReadOnlyList<AlertView> alerts, string token)
    {
        if (alerts.Count == 0)
        {
            return "<p>No alerts yet.</p>";
        }

        var html = new StringBuilder();
        foreach (var (alert, deliveries) in alerts)
        {
            var o = alert.Observation;
            var severity = alert.Severity.ToString().ToLowerInvariant();
            var local = alert.TimeZone is { } zoneId && TimeZoneInfo.TryFindSystemTimeZoneById(zoneId, out var zone)
                ? $"<br>{TimeZoneInfo.ConvertTime(o.CapturedAt, zone):yyyy-MM-dd HH:mm:ss} {H(zone.Id)}"
                : "";
            var where = o.Position is { } p ? string.Create(C, $"{p.Latitude:0.00000}, {p.Longitude:0.00000}{(o.Uncertainty is { } m ? $" ± {m:0} m" : "")}") : "unknown";
            html.Append(C, $"<article class=\"alert {severity}\" data-alert=\"{H(alert.Id)}\">");
            html.Append(C, $"<img loading=\"lazy\" alt=\"{H(o.Detection.Label)} at {H(o.SourceId)}\" width=\"320\" src=\"/alerts/{U(alert.Id)}/picture\">");
            var named = o.Detection.Taxon is { } taxon ? $" — {H(taxon.Display)}" : "";
            html.Append(C, $"<div><h3><span class=\"severity\">{alert.Severity}</span> {H(o.Detection.Label)} {o.Detection.Confidence:0.00}{named}");
            html.Append(C, $"{(alert.ZoneName is { } name ? $" in {H(name)}" : "")} — {H(o.SourceId)}</h3><dl>");
            html.Append(C, $"<dt>Seen</dt><dd>{o.CapturedAt.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC{local}</dd><dt>Where</dt><dd>{where}</dd>");
            html.Append(C, $"<dt>Rule</dt><dd>{H(alert.Rule)}</dd>");
            if (alert.Burst is { } burst)
            {
                html.Append(C, $"<dt>Burst</dt><dd>{H(burst.ToString())}</dd>");
            }

            html.Append("</dl><ul class=\"deliveries\">");
            foreach (var d in deliveries)
            {
                var state = d.State.ToString().ToLowerInvariant();
                var what = d.State switch
                {
                    OutboxState.Sent => $"sent {d.SentAt?.UtcDateTime:HH:mm:ss} UTC{(d.Reply is { } reply ? $": {H(reply)}" : "")}",
                    OutboxState.Failed => $"failed after {d.Attempts} attempts: {H(d.LastError ?? "")}",
                    _ => $"{state}, {d.Attempts} attempts{(d.LastError is { } last ? $", last: {H(last)}" : "")}",
                };
                html.Append(C, $"<li data-channel=\"{H(d.Channel)}\" data-state=\"{state}\"><b>{H(d.Channel)}</b>: {what}");
                if (d.State == OutboxState.Failed)
                {
                    html.Append(C, $"<form method=\"post\" action=\"/alerts/{U(d.Id)}/{U(d.Channel)}/retry\">{Token(token)}<button>Retry</button></form>");
                }

                html.Append("</li>");
            }

            html.Append("</ul></div></article>");
        }

        return html.ToString();
    }

    /// <summary>Per taxon (or label), a bar per day over the last 30 days, linked to the label's records.</summary>
    public static string Counts(IReadOnlyList<(string Name, string Label, string Category, string Unit, int[] PerDay)> counts, DateTime firstDay)
    {
        if (counts.Count == 0)
        {
            return "<p>Nothing recorded in the last 30 days.</p>";
        }

        var html = new StringBuilder("<table class=\"counts\"><thead><tr><th>What</th><th>Detector's label</th><th>Counted as</th><th>Total</th>");
        html.Append(C, $"<th>{firstDay:MMM d} … {firstDay.AddDays(StationData.CountDays - 1):MMM d}</th></tr></thead><tbody>");
        foreach (var (name, label, category, unit, perDay) in counts)
        {
            var most = Math.Max(1, perDay.Max());
            var bars = new StringBuilder();
            for (var i = 0; i < perDay.Length; i++)
            {
                var height = perDay[i] == 0 ? 0 : Math.Max(1.0, 28.0 * perDay[i] / most);
                bars.Append(C, $"<rect x=\"{i * 6}\" y=\"{30 - height:0.#}\" width=\"5\" height=\"{height:0.#}\"><title>{firstDay.AddDays(i):yyyy-MM-dd}: {perDay[i]}</title></rect>");
            }

            html.Append(C, $"<tr class=\"{H(category)}\"><td>{H(name)}</td><td><a href=\"/records?label={U(label)}\">{H(label)}</a></td><td>{H(unit)}</td><td>{perDay.Sum()}</td>");
            html.Append(C, $"<td><svg class=\"bars\" viewBox=\"0 0 {perDay.Length * 6} 30\" width=\"{perDay.Length * 6}\" height=\"30\">{bars}</svg></td></tr>");
        }

        return html.Append("</tbody></table>").ToString();
    }

    /// <summary>A label's latest records.</summary>
    public static string Records(string label, IReadOnlyList<LabelRecord> records)
    {
        var html = new StringBuilder().Append(C, $"<main><p><a href=\"/\">← station</a></p><h1>{H(label)}: latest {records.Count} records</h1>");
        html.Append("<table><thead><tr><th>Seen (UTC)</th><th>Source</th><th>Kind</th><th>Confidence</th><th>Position</th><th>Alert</th></tr></thead><tbody>");
        foreach (var r in records)
        {
            var position = r.Position is { } p ? string.Create(C, $"{p.Latitude:0.00000}, {p.Longitude:0.00000}") : "";
            html.Append(C, $"<tr><td>{r.SeenAt.UtcDateTime:yyyy-MM-dd HH:mm:ss}</td><td>{H(r.SourceId)}</td><td>{r.Kind}</td><td>{r.Confidence:0.00}</td><td>{position}</td>");
            html.Append(C, $"<td>{(r.AlertId is { } id ? $"<a href=\"/alerts/{U(id)}/picture\">picture</a>" : "")}</td></tr>");
        }

        return Layout($"edge-agent: {label}", html.Append("</tbody></table></main>").ToString(), script: false);
    }

    /// <summary>
    /// The map as SVG, drawn from the coordinates alone (the station has no tile server): zones,
    /// cameras, the last week's placed records and the alerts, with a scale bar and a north arrow.
    /// </summary>
    /// <param name="map">What to draw.</param>
    /// <param name="cameraLabel">Each camera's label; its id when not given.</param>
    public static string Map(MapView map, Func<Alerting.Geofencing.CameraSite, string>? cameraLabel = null)
    {
        ArgumentNullException.ThrowIfNull(map);
        var points = map.Zones.SelectMany(z => z.Geometry.Coordinates.Select(c => (Lat: c.Y, Lon: c.X)))
            .Concat(map.Cameras.Select(c => (Lat: c.Latitude, Lon: c.Longitude)))
            .Concat(map.Records.Select(r => (Lat: r.Position.Latitude, Lon: r.Position.Longitude)))
            .Concat(map.Alerts.Select(a => a.Alert.Observation.Position).OfType<Alerting.Observations.GeoPosition>().Select(p => (Lat: p.Latitude, Lon: p.Longitude)))
            .ToList();
        if (points.Count == 0)
        {
            return "<p>Nothing to draw: no zones, cameras or placed records.</p>";
        }

        var projection = new Projection(points);
        var svg = new StringBuilder().Append(C, $"<svg class=\"map\" viewBox=\"0 0 {Projection.Width} {projection.Height:0}\" width=\"{Projection.Width}\" height=\"{projection.Height:0}\" role=\"img\" aria-label=\"map\">");
        foreach (var zone in map.Zones)
        {
            var d = new StringBuilder();
            foreach (var polygon in Polygons(zone.Geometry))
            {
                foreach (var ring in new[] { polygon.ExteriorRing }.Concat(polygon.InteriorRings))
                {
                    d.Append(string.Join(' ', ring.Coordinates.Select((c, i) => $"{(i == 0 ? 'M' : 'L')}{projection.X(c.X):0.#},{projection.Y(c.Y):0.#}"))).Append(" Z ");
                }
            }

            var centre = zone.Geometry.InteriorPoint;
            svg.Append(C, $"<path class=\"zone\" data-zone=\"{H(zone.Id)}\" fill-rule=\"evenodd\" d=\"{d.ToString().Trim()}\"><title>{H(zone.Name)} ({H(zone.Id)})</title></path>");
            svg.Append(C, $"<text class=\"zone-name\" x=\"{projection.X(centre.X):0.#}\" y=\"{projection.Y(centre.Y):0.#}\">{H(zone.Name)}</text>");
        }

        foreach (var r in map.Records)
        {
            svg.Append(C, $"<circle class=\"record {H(r.Category)}\" cx=\"{projection.X(r.Position.Longitude):0.#}\" cy=\"{projection.Y(r.Position.Latitude):0.#}\" r=\"3\">");
            svg.Append(C, $"<title>{H(r.Name)} {r.Confidence:0.00}, {H(r.SourceId)}, {r.FirstSeen.UtcDateTime:yyyy-MM-dd HH:mm} UTC</title></circle>");
        }

        foreach (var camera in map.Cameras)
        {
            var (x, y) = (projection.X(camera.Longitude), projection.Y(camera.Latitude));
            svg.Append(C, $"<rect class=\"camera\" data-camera=\"{H(camera.Id)}\" x=\"{x - 5:0.#}\" y=\"{y - 5:0.#}\" width=\"10\" height=\"10\"><title>camera {H(camera.Id)}</title></rect>");
            svg.Append(C, $"<text class=\"camera-name\" x=\"{x + 8:0.#}\" y=\"{y + 4:0.#}\">{H(cameraLabel?.Invoke(camera) ?? camera.Id)}</text>");
        }

        foreach (var (alert, _) in map.Alerts.Where(a => a.Alert.Observation.Position is not null))
        {
            var p = alert.Observation.Position!.Value;
            svg.Append(C, $"<circle class=\"alert-mark {alert.Severity.ToString().ToLowerInvariant()}\" data-alert=\"{H(alert.Id)}\" cx=\"{projection.X(p.Longitude):0.##}\" cy=\"{projection.Y(p.Latitude):0.##}\" r=\"7\">");
            svg.Append(C, $"<title>{H(alert.Observation.Detection.Label)} — {H(alert.Rule)}, {alert.Observation.CapturedAt.UtcDateTime:yyyy-MM-dd HH:mm} UTC</title></circle>");
        }

        // A scale bar of a round length near a quarter of the width, and north up.
        var metres = new[] { 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 20_000, 50_000, 100_000, 200_000 }
            .MinBy(m => Math.Abs((m * projection.PixelsPerMetre) - (Projection.Width / 4.0)));
        var bar = metres * projection.PixelsPerMetre;
        var bottom = projection.Height - 12;
        svg.Append(C, $"<g class=\"scale\"><path d=\"M12,{bottom - 6:0.#} V{bottom:0.#} H{12 + bar:0.#} V{bottom - 6:0.#}\"/>");
        svg.Append(C, $"<text x=\"{12 + (bar / 2):0.#}\" y=\"{bottom - 9:0.#}\">{(metres >= 1000 ? $"{metres / 1000} km" : $"{metres} m")}</text></g>");
        svg.Append(C, $"<g class=\"north\"><path d=\"M{Projection.Width - 24},10 l8,22 l-8,-6 l-8,6 Z\"/><text x=\"{Projection.Width - 24}\" y=\"46\">N</text></g>");
        return svg.Append("</svg>").ToString();
    }

    /// <summary>Escapes text from outside for HTML text and attribute values.</summary>
    public static string H(string text) => WebUtility.HtmlEncode(text);

    /// <summary>Escapes an id for a URL path segment or query value.</summary>
    public static string U(string text) => Uri.EscapeDataString(text);

    /// <summary>The style of <see cref="Map"/>, which the report's page draws too.</summary>
    public const string MapCss = """
        svg.map { background: #fff; border: 1px solid #ccc; max-width: 100%; height: auto; }
        .zone { fill: #4c9a2a; fill-opacity: .18; stroke: #2d6a1b; stroke-width: 1.5; } .zone-name { font-size: 12px; fill: #2d6a1b; text-anchor: middle; }
        .camera { fill: #333; } .camera-name { font-size: 11px; }
        .record { fill: #777; fill-opacity: .7; } .record.person, .record.vehicle { fill: #d98c00; } .record.animal { fill: #3a6ea5; }
        .alert-mark { fill: #b00020; fill-opacity: .85; stroke: #fff; stroke-width: 2; } .alert-mark.warning { fill: #d98c00; } .alert-mark.info { fill: #3a6ea5; }
        .scale path { fill: none; stroke: #000; stroke-width: 2; } .scale text, .north text { font-size: 12px; text-anchor: middle; } .north path { fill: #000; }
        """;

    /// <summary>The page's style sheet, served from the agent (the site has no internet).</summary>
    public const string Css = MapCss + """
        body { font: 14px/1.4 system-ui, sans-serif; margin: 0; color: #1b1b1b; background: #f4f4f0; }
        header { display: flex; gap: 1em; align-items: center; padding: .4em 1em; background: #2d4a2b; color: #fff; }
        header h1 { font-size: 1.2em; margin: 0; } header form { margin-left: auto; }
        #updated { font-size: .85em; opacity: .8; }
        main { padding: 0 1em 2em; } section { margin-top: 1em; } h2 { font-size: 1.1em; border-bottom: 1px solid #ccc; }
        table { border-collapse: collapse; background: #fff; } th, td { padding: .3em .6em; border-bottom: 1px solid #e2e2e2; text-align: left; vertical-align: top; }
        .state { font-weight: bold; } .state.up { color: #1d7a1d; } .state.reconnecting, .state.starting { color: #a66a00; } .state.failed { color: #b00020; }
        .detail, .when { color: #666; font-size: .85em; }
        article.alert { display: flex; gap: 1em; background: #fff; margin: .6em 0; padding: .6em; border-left: 6px solid #999; }
        article.alert.critical { border-color: #b00020; } article.alert.warning { border-color: #d98c00; } article.alert.info { border-color: #3a6ea5; }
        article.alert h3 { margin: 0 0 .3em; font-size: 1.05em; } article.alert img { max-width: 320px; height: auto; background: #ddd; }
        dl { display: grid; grid-template-columns: max-content auto; gap: .1em .8em; margin: 0; } dt { color: #666; }
        .deliveries { padding-left: 1.2em; } .deliveries form { display: inline; margin-left: .5em; }
        [data-state="failed"] { color: #b00020; } [data-state="sent"] { color: #1d7a1d; }
        svg.bars rect { fill: #3a6ea5; } tr.person svg.bars rect, tr.vehicle svg.bars rect { fill: #d98c00; }
        .login { max-width: 20em; margin: 4em auto; } .login input { display: block; width: 100%; margin: .4em 0 .8em; } .error { color: #b00020; }
        """;

    /// <summary>
    /// The page's script: fetches each section again every five seconds (the server answers 304 when
    /// nothing changed) and swaps it in; a lost login reloads the page, which then asks for it.
    /// </summary>
    public const string Script = """
        'use strict';
        async function refresh() {
          for (const section of document.querySelectorAll('[data-fragment]')) {
            try {
              const response = await fetch(section.dataset.fragment, { cache: 'no-cache', credentials: 'same-origin', redirect: 'manual' });
              if (response.type === 'opaqueredirect' || response.status === 401) { location.reload(); return; }
              if (!response.ok) continue;
              const html = await response.text();
              if (section.dataset.shown !== html) { section.innerHTML = html; section.dataset.shown = html; }
            } catch (e) { /* the link is down: keep what is shown and try again */ }
          }
          document.getElementById('updated').textContent = 'updated ' + new Date().toLocaleTimeString();
        }
        for (const section of document.querySelectorAll('[data-fragment]')) section.dataset.shown = section.innerHTML;
        setInterval(refresh, 5000);
        """;

    private static string Layout(string title, string body, bool script) =>
        $"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">" +
        $"<title>{H(title)}</title><link rel=\"stylesheet\" href=\"/station.css\">{(script ? "<script src=\"/station.js\" defer></script>" : "")}</head><body>{body}</body></html>";

    private static string Token(string token) => $"<input type=\"hidden\" name=\"__RequestVerificationToken\" value=\"{H(token)}\">";

    private static string Age(TimeSpan age) => age.TotalSeconds < 0 ? "0 s"
        : age.TotalMinutes < 2 ? string.Create(C, $"{age.TotalSeconds:0} s")
        : age.TotalHours < 2 ? string.Create(C, $"{age.TotalMinutes:0} min")
        : age.TotalDays < 2 ? string.Create(C, $"{age.TotalHours:0} h")
        : string.Create(C, $"{age.TotalDays:0} days");

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

        public Projection(List<(double Lat, double Lon)> points)
        {
            var (minLat, maxLat) = (points.Min(p => p.Lat), points.Max(p => p.Lat));
            var (minLon, maxLon) = (points.Min(p => p.Lon), points.Max(p => p.Lon));
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
    }
}
