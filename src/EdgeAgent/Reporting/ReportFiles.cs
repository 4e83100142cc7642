namespace EdgeAgent.Reporting;

using System.Globalization;
using System.Text;
using EdgeAgent.Maps;

/// <summary>
/// Writes a report: <c>index.html</c>, which opens offline (its charts are SVG drawn by ScottPlot and
/// put in the page, its map the station page's SVG map), and the same numbers as CSV files beside it.
/// </summary>
public static class ReportFiles
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    /// <summary>Most labels drawn in the charts (all are in the tables and the CSV files).</summary>
    public const int ChartedNames = 12;

    /// <summary>Writes the report's files into <paramref name="folder"/>; returns the page's path.</summary>
    public static string Write(BiodiversityReport report, string folder, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(report);
        Directory.CreateDirectory(folder);
        WriteCsvFiles(report, folder);
        var page = Path.Combine(folder, "index.html");
        File.WriteAllText(page, Html(report, now), Encoding.UTF8);
        return page;
    }

    private static void WriteCsvFiles(BiodiversityReport r, string folder)
    {
        string Category(string name) => r.Names[name].Category;
        Csv(folder, "counts_per_day.csv", "day,name,category,sightings", r.PerDay.Select(c => Row(c.Key.Day.ToString("yyyy-MM-dd", C), c.Key.Name, Category(c.Key.Name), c.Value)));
        Csv(folder, "counts_per_week.csv", "week_starting,name,category,sightings", r.PerWeek.Select(c => Row(c.Key.Week.ToString("yyyy-MM-dd", C), c.Key.Name, Category(c.Key.Name), c.Value)));
        Csv(folder, "counts_per_camera.csv", "camera,name,category,sightings,individuals", r.PerCamera.Select(c => Row(c.Key.Camera, c.Key.Name, Category(c.Key.Name), c.Value.Sightings, c.Value.Individuals)));
        Csv(folder, "counts_per_zone.csv", "zone,name,category,sightings", r.PerZone.Select(c => Row(c.Key.Zone, c.Key.Name, Category(c.Key.Name), c.Value)));
        Csv(folder, "diel_activity.csv", "name,hour,sightings", r.Diel.SelectMany(d => d.Value.Select((n, hour) => Row(d.Key, hour, n))));
        Csv(folder, "first_sightings.csv", "name,category,first_seen_utc,camera,zone", r.First.Select(f => Row(f.Key, Category(f.Key), f.Value.Sighting.Start.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", C), f.Value.Sighting.SourceId, f.Value.Zone)));
        Csv(folder, "threats_per_zone_hour.csv", "zone,hour,sightings", r.Threats.Select(t => Row(t.Key.Zone, t.Key.Hour, t.Value)));
        Csv(folder, "data_quality.csv", "measure,value", new[] { Row("pictures", r.Pictures), Row("sightings", r.Sightings) }
            .Concat(r.Failures.Select(f => Row($"failed: {f.Key}", f.Value)))
            .Concat((r.Suppressed ?? []).Select(s => Row($"suppressed: {s.Key}", s.Value))));
        if (CameraTrapIndices.Of(r) is { } indices)
        {
            Csv(folder, "effort.csv", "camera,camera_days", indices.CameraDays.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => Row(c.Key, Math.Round(c.Value, 6))));
            Csv(folder, "relative_abundance.csv", "camera,name,sightings,camera_days,sightings_per_100_camera_days",
                indices.Abundance.Select(a => Row(a.Camera, a.Name, a.Sightings, Math.Round(indices.CameraDays[a.Camera], 6), Math.Round(a.Rai, 2))));
            Csv(folder, "naive_occupancy.csv", "name,cameras_detected,cameras_with_effort,naive_occupancy",
                indices.Occupancy.Select(o => Row(o.Name, o.Cameras, o.WithEffort, Math.Round(o.Occupancy, 3))));
            Csv(folder, "species_accumulation.csv", "day,cumulative_camera_days,taxa",
                indices.Accumulation.Select(a => Row(a.Day.ToString("yyyy-MM-dd", C), Math.Round(a.CameraDays, 6), a.Taxa)));
        }

        if (r.Downtimes is { } downtimes)
        {
            Csv(folder, "source_downtime.csv", "source,down_minutes,outages,agent_stopped_minutes", downtimes.Select(d =>
                Row(d.Key, Math.Round(d.Value.Down.TotalMinutes, 1), d.Value.Outages, Math.Round(d.Value.Stopped.TotalMinutes, 1))));
        }
    }

    private static string Html(BiodiversityReport r, DateTimeOffset now)
    {
        var html = new StringBuilder();
        html.Append(C, $"""
            <!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Biodiversity report {r.From:yyyy-MM-dd} – {r.To:yyyy-MM-dd}</title>
            <style>{Css}</style></head><body><h1>Biodiversity report, {r.From:yyyy-MM-dd} to {r.To:yyyy-MM-dd}</h1>
            <p class="meta">{H(r.Site.DeviceId)} · made {now.UtcDateTime:yyyy-MM-dd HH:mm} UTC · {r.Sightings} sightings of {r.Names.Count} taxa and labels · {r.Pictures} camera-trap pictures</p>
            <p><b>What is counted.</b> A <i>sighting</i> is what the records count as one: for camera traps a burst — the pictures of one
            camera and label each taken within {r.Site.BurstGap.TotalSeconds:0} s of the one before (Recording:BurstGap) count once, and its
            individuals are the most boxes of that label in one of its pictures; for video a track — an animal that stays in view is one, and
            within one flight of a drone a track placed on the ground within {r.Site.SameAnimalWithin:0.#} m of an earlier one of its label
            (Recording:SameAnimalWithin) is the same animal seen again. Days are UTC; hours of the day are each camera's clock time (its
            time zone in Geofencing:Cameras, UTC for a camera without one), not solar time. Animals are named by their taxon — a species
            classifier's answer, rolled up to the genus, family or order it is sure of, or the taxon the detector's own label honestly
            supports (a COCO "elephant" is family Elephantidae) — and a burst or track by the vote of its pictures or frames; people and
            vehicles by the detector's label.</p>
            """);
        if (r.Sightings == 0)
        {
            html.Append("<p class=\"empty\">Nothing was seen in this period.</p>");
        }

        var charted = r.Names.Keys.OrderByDescending(l => r.PerDay.Where(c => c.Key.Name == l).Sum(c => c.Value)).Take(ChartedNames).ToList();
        html.Append("<h2>Sightings over time</h2><p>A chart for each of the most seen, all on the same scale.</p>");
        if (charted.Count > 0)
        {
            html.Append(ReportCharts.OverTime(r, charted));
        }

        html.Append(Table(
            ["week starting", .. r.Names.Keys],
            r.PerWeek.GroupBy(c => c.Key.Week).Select(w => (IEnumerable<object>)[w.Key.ToString("yyyy-MM-dd", C), .. r.Names.Keys.Select(l => (object)w.Where(c => c.Key.Name == l).Sum(c => c.Value))])));

        html.Append("<h2>Per camera and per zone</h2><div class=\"side\">");
        html.Append(Table(["camera", "name", "sightings", "individuals"], r.PerCamera.Select(c => (IEnumerable<object>)[c.Key.Camera, c.Key.Name, c.Value.Sightings, c.Value.Individuals])));
        html.Append(Table(["zone", "name", "sightings"], r.PerZone.Select(c => (IEnumerable<object>)[ZoneName(r, c.Key.Zone), c.Key.Name, c.Value])));
        html.Append("</div>");
        var perCamera = r.PerCamera.GroupBy(c => c.Key.Camera).ToDictionary(g => g.Key, g => g.Sum(c => c.Value.Sightings), StringComparer.Ordinal);
        html.Append(SiteMap.Draw(new MapView(r.Site.Zones.Zones, r.Site.Cameras, [], []), camera => $"{camera.Id}: {perCamera.GetValueOrDefault(camera.Id)}"));

        html.Append("<h2>Diel activity</h2><p>Sightings by hour of the day, in each camera's clock time.</p><div class=\"charts\">");
        foreach (var label in charted)
        {
            html.Append(ReportCharts.Diel(label, r.Diel[label]));
        }

        html.Append("</div><h2>First sightings</h2>");
        html.Append(Table(
            ["name", "category", "first seen (UTC)", "camera's clock", "camera", "zone"],
            r.First.OrderBy(f => f.Value.Sighting.Start).Select(f => (IEnumerable<object>)
            [
                f.Key, r.Names[f.Key].Category, f.Value.Sighting.Start.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", C),
                $"{r.Local(f.Value.Sighting.SourceId, f.Value.Sighting.Start):yyyy-MM-dd HH:mm} {r.TimeZoneOf(f.Value.Sighting.SourceId)}", f.Value.Sighting.SourceId,
                ZoneName(r, f.Value.Zone),
            ])));

        html.Append("<h2>Threats: people and vehicles per zone and hour</h2>");
        var threatZones = r.Threats.Keys.Select(k => k.Zone).Distinct().ToList();
        html.Append(threatZones.Count == 0 ? "<p>No person or vehicle was seen.</p>" : Table(
            ["zone", .. Enumerable.Range(0, 24).Select(h => h.ToString("00", C))],
            threatZones.Select(z => (IEnumerable<object>)[ZoneName(r, z), .. Enumerable.Range(0, 24).Select(h => (object)r.Threats.GetValueOrDefault((z, h)))])));

        html.Append(IndicesHtml(r));
        html.Append("<h2>Data quality</h2><ul>");
        html.Append(C, $"<li>{r.Pictures} camera-trap pictures processed in the period{(r.PictureTimesRecorded ? "" : " (by when they were processed: this database did not record when they were taken)")}.</li>");
        html.Append(r.Failures.Count == 0 ? "<li>No picture failed.</li>" : $"<li>Pictures that could not be processed: {string.Join(", ", r.Failures.Select(f => $"{H(f.Key)}: {f.Value}"))}.</li>");
        html.Append(r.Suppressed is { } suppressed
            ? $"<li>Detections suppressed as not objects: {(suppressed.Count == 0 ? "none" : string.Join(", ", suppressed.Select(s => $"{H(Reason(s.Key))}: {s.Value}")))}.</li>"
            : "<li>Suppressed detections were not recorded by the version that wrote this database.</li>");
        html.Append("</ul>");
        html.Append(r.Downtimes switch
        {
            null => "<p>Source downtime was not recorded by the version that wrote this database.</p>",
            { Count: 0 } => "<p>No source changed state in the period.</p>",
            var downtimes => "<p>Source downtime (reconnecting, failed or starting) and time the agent was stopped:</p>" + Table(
                ["source", "down", "times it went down", "agent stopped"],
                downtimes.Select(d => (IEnumerable<object>)[d.Key, Duration(d.Value.Down), d.Value.Outages, Duration(d.Value.Stopped)])),
        });
        html.Append("""
            <p class="meta">The numbers are also in the CSV files beside this page.</p></body></html>
            """);
        return html.ToString();
    }

    /// <summary>Effort, relative abundance and naive occupancy, as camera-trap studies report them.</summary>
    private static string IndicesHtml(BiodiversityReport r)
    {
        var html = new StringBuilder("<h2>Camera-trap indices</h2>");
        if (CameraTrapIndices.Of(r) is not { } indices)
        {
            return html.Append("<p>Effort (when each source was up) was not recorded by the version that wrote this database.</p>").ToString();
        }

        html.Append("""
            <p>Effort is each camera's time up in the period (from the states the agent records), in camera-days; the relative
            abundance index is sightings per 100 camera-days; naive occupancy is the share of cameras with effort that saw the taxon
            (not corrected for detection). The species accumulation, taxa found against cumulative camera-days, is in
            <code>species_accumulation.csv</code>.</p>
            """);
        html.Append(Table(["camera", "camera-days"], indices.CameraDays.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => (IEnumerable<object>)[c.Key, c.Value.ToString("0.0", C)])));
        html.Append(Table(
            ["camera", "taxon", "sightings", "per 100 camera-days"],
            indices.Abundance.Select(a => (IEnumerable<object>)[a.Camera, a.Name, a.Sightings, a.Rai.ToString("0.0", C)])));
        html.Append(Table(
            ["taxon", "cameras that saw it", "cameras with effort", "naive occupancy"],
            indices.Occupancy.Select(o => (IEnumerable<object>)[o.Name, o.Cameras, o.WithEffort, o.Occupancy.ToString("0.00", C)])));
        return html.ToString();
    }

    private static string Reason(string reason) => reason switch
    {
        "mask" => "under a mask",
        "overlay" => "on the information band",
        "static" => "static objects",
        _ => reason,
    };

    private static string Duration(TimeSpan span) => span.TotalHours >= 1
        ? string.Create(C, $"{(int)span.TotalHours} h {span.Minutes:00} min")
        : string.Create(C, $"{span.TotalMinutes:0.#} min");

    private static string ZoneName(BiodiversityReport r, string zoneIds) =>
        string.Join(", ", zoneIds.Split(", ").Select(id => r.Site.Zones.Zones.FirstOrDefault(z => z.Id == id)?.Name ?? id));

    private static string Table(IEnumerable<string> header, IEnumerable<IEnumerable<object>> rows)
    {
        var html = new StringBuilder("<table><thead><tr>");
        foreach (var h in header)
        {
            html.Append(C, $"<th>{H(h)}</th>");
        }

        html.Append("</tr></thead><tbody>");
        foreach (var row in rows)
        {
            html.Append("<tr>");
            foreach (var cell in row)
            {
                html.Append(cell is int n ? $"<td class=\"n\">{n.ToString(C)}</td>" : $"<td>{H(Convert.ToString(cell, C) ?? "")}</td>");
            }

            html.Append("</tr>");
        }

        return html.Append("</tbody></table>").ToString();
    }

    private static void Csv(string folder, string name, string header, IEnumerable<string> rows) =>
        File.WriteAllLines(Path.Combine(folder, name), rows.Prepend(header), new UTF8Encoding(false));

    /// <summary>One CSV row, quoting what needs it (RFC 4180).</summary>
    internal static string Row(params object[] cells) => string.Join(',', cells.Select(cell =>
    {
        var text = Convert.ToString(cell, C) ?? "";
        return text.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? $"\"{text.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : text;
    }));

    private static string H(string text) => System.Net.WebUtility.HtmlEncode(text);

    /// <summary>The report page's style (with the map's), put in the page: it opens offline.</summary>
    private static readonly string Css = SiteMap.Css + EmbeddedText.Read("Reporting/report.css");
}
