namespace EdgeAgent.IntegrationTests;

using System.Text.Json;
using EdgeAgent.Alerting.Geofencing;
using EdgeAgent.Maps;
using EdgeAgent.Testing;
using Microsoft.Playwright;
using NetTopologySuite.Geometries;

/// <summary>The site map drawn in headless Chromium: its labels measured as the browser lays them out.</summary>
public sealed class MapTests
{
    private static readonly string Output = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "screenshots")).FullName;

    [Fact]
    public async Task Zone_labels_sit_inside_their_zones_and_no_label_covers_another_or_a_camera()
    {
        // A real park (a main parcel with an inholding, and a detached one), two crossings and a salt
        // lick around one middle, so that all their middles nearly coincide, and two cameras 60 m apart there.
        var park = ZoneMap.Load(new GeofencingOptions { ZonesFile = TestPaths.Shared + "/testdata/geojson/wica_wind_cave_np.fixed_multipolygon.geojson", NameProperty = "UNIT_NAME" }).Zones.Single();
        var middle = park.Geometry.InteriorPoint.Coordinate;
        var factory = new GeometryFactory(new PrecisionModel(), 4326);
        Zone Square(string id, string name, double half) => new(id, name, factory.ToGeometry(new Envelope(middle.X - half, middle.X + half, middle.Y - half, middle.Y + half)), new Dictionary<string, object?>());
        var zones = new[] { park, Square("crossing-a", "Crossing A (rhino)", 0.025), Square("crossing-b", "Crossing B (rhino)", 0.04), Square("lick", "Salt lick", 0.0004) };
        var cameras = new[]
        {
            new CameraSite { Id = "CT-07", Latitude = middle.Y, Longitude = middle.X },
            new CameraSite { Id = "CT-08", Latitude = middle.Y + 0.0005, Longitude = middle.X + 0.0003 },
        };
        var svg = SiteMap.Draw(new MapView(zones, cameras, [], []), c => $"{c.Id}: 12 sightings");

        using var folder = new TempFolder();
        var page = folder.File("map.html");
        await File.WriteAllTextAsync(page, $"<!doctype html><meta charset=utf-8><style>{SiteMap.Css}</style>{svg}");
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = "/usr/bin/chromium", Headless = true, Args = ["--no-sandbox"] });
        var tab = await (await browser.NewContextAsync(new() { Offline = true, ViewportSize = new() { Width = 900, Height = 800 } })).NewPageAsync();
        await tab.GotoAsync("file://" + page);
        await tab.ScreenshotAsync(new() { Path = Path.Combine(Output, "map-labels.png"), FullPage = true });

        // Every label's box as laid out; for a zone's, whether its corners and edge middles are in the zone's fill.
        var measured = await tab.EvaluateAsync<JsonElement>("""
            () => [...document.querySelectorAll('svg.map text.zone-name, svg.map text.camera-name, svg.map rect.camera')].map(e => {
              const b = e.getBBox();
              const zone = e.classList.contains('zone-name') ? document.querySelector(`path.zone[data-zone="${e.dataset.zone}"]`) : null;
              const points = [[b.x, b.y], [b.x + b.width, b.y], [b.x, b.y + b.height], [b.x + b.width, b.y + b.height], [b.x + b.width / 2, b.y], [b.x + b.width / 2, b.y + b.height]];
              return { what: e.tagName + ' ' + (e.dataset.zone ?? e.dataset.camera), x: b.x, y: b.y, w: b.width, h: b.height,
                       inside: zone ? points.every(([x, y]) => zone.isPointInFill(new DOMPoint(x, y))) : null };
            })
            """);
        var boxes = measured.EnumerateArray().Select(e => (What: e.GetProperty("what").GetString()!, X: e.GetProperty("x").GetDouble(), Y: e.GetProperty("y").GetDouble(),
            W: e.GetProperty("w").GetDouble(), H: e.GetProperty("h").GetDouble(), Inside: e.GetProperty("inside").ValueKind == JsonValueKind.True)).ToList();
        Assert.Equal(8, boxes.Count);

        // The salt lick is too small for its name; every other zone holds its own.
        foreach (var zone in new[] { park.Id, "crossing-a", "crossing-b" })
        {
            Assert.True(boxes.Single(b => b.What == $"text {zone}").Inside, $"the label of {zone} is not inside it");
        }

        // Where there is room, a zone's label stands where no other zone is: the park's not in a crossing, crossing B's not in crossing A.
        var outside = await tab.EvaluateAsync<bool[]>("""
            park => [[park, 'crossing-b'], ['crossing-b', 'crossing-a']].map(([label, zone]) => {
              const b = document.querySelector(`text.zone-name[data-zone="${label}"]`).getBBox();
              const path = document.querySelector(`path.zone[data-zone="${zone}"]`);
              return [[b.x, b.y], [b.x + b.width, b.y + b.height]].every(([x, y]) => !path.isPointInFill(new DOMPoint(x, y)));
            })
            """, park.Id);
        Assert.Equal([true, true], outside);

        foreach (var (a, i) in boxes.Select((b, i) => (b, i)))
        {
            foreach (var b in boxes.Skip(i + 1).Where(b => !(a.What.StartsWith("rect", StringComparison.Ordinal) && b.What.StartsWith("rect", StringComparison.Ordinal))))
            {
                var overlap = a.X < b.X + b.W && b.X < a.X + a.W && a.Y < b.Y + b.H && b.Y < a.Y + a.H;
                Assert.False(overlap, $"{a.What} ({a.X:0},{a.Y:0} {a.W:0}×{a.H:0}) covers {b.What} ({b.X:0},{b.Y:0} {b.W:0}×{b.H:0})");
            }
        }
    }
}
