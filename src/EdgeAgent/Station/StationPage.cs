namespace EdgeAgent.Station;

using System.Globalization;
using System.Net;
using System.Text;
using EdgeAgent.Alerting.Outbox;
using EdgeAgent.Alerting.Rules;
using EdgeAgent.Hosting;
using EdgeAgent.Maps;
using EdgeAgent.Recording;
using EdgeAgent.Verdicts;

/// <summary>
/// The station page's HTML, written on the server: every text that comes from outside — source ids,
/// labels, zone and rule names, server replies — goes through <see cref="H"/>, and every id in a URL
/// through <see cref="U"/>. The sections are fragments the page's script fetches again every few
/// seconds, so a new alert shows without a reload.
/// </summary>
public static class StationPage
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    /// <summary>The whole page: a frame around the sections (id, title and first content), each filled again by its fragment.</summary>
    public static string Page(string heading, IReadOnlyList<(string Id, string Title, string Html)> sections, bool loginRequired, string token)
    {
        ArgumentNullException.ThrowIfNull(sections);
        var body = new StringBuilder();
        body.Append(C, $"<header><h1>{H(heading)}</h1><span id=\"updated\"></span>");
        if (loginRequired)
        {
            body.Append(C, $"<form method=\"post\" action=\"/logout\">{Token(token)}<button>Log out</button></form>");
        }

        body.Append("</header><main>");
        foreach (var (id, title, html) in sections)
        {
            body.Append(C, $"<section><h2>{H(title)}</h2><div id=\"{id}\" data-fragment=\"/fragments/{id}\">{html}</div></section>");
        }

        body.Append("</main>");
        return Layout($"{heading} station", body.ToString(), script: true);
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
                SourceState.Ended => "ended",
                _ => "starting",
            };
            var since = s.Since is { } at ? $" for {Age(now - at)}" : "";
            var detail = s.State == SourceState.Up || s.Detail.Length == 0 ? "" : $"<div class=\"detail\">{H(s.Detail)}</div>";
            var thumbnail = s.Activity?.ThumbnailAt is { } shot
                ? $"<img loading=\"lazy\" alt=\"last frame of {H(s.Id)}\" width=\"160\" src=\"/sources/{U(s.Id)}/thumbnail?at={shot.ToUnixTimeMilliseconds()}\">"
                : "";
            var last = s.Activity?.LastFrameAt is { } frameAt ? $"{Age(now - frameAt)} ago" : "none yet";
            var error = s.LastError is { } e ? $"{H(e.Error)} <span class=\"when\">({Age(now - e.At)} ago)</span>" : "";
            // Said once per camera, as the log does: the reason, and how many pictures it has cost so far.
            var clock = s.Activity?.Clock is { } c
                ? $"<div class=\"clock\">Clock: {H(c.Issue)}; {c.Pictures} picture{(c.Pictures == 1 ? "" : "s")} flagged since the start, the latest {Age(now - c.LatestAt)} ago</div>"
                : "";
            html.Append(C, $"<tr data-source=\"{H(s.Id)}\" data-state=\"{state}\"><td><b>{H(s.Id)}</b><div class=\"detail\">{s.Kind}</div>{clock}</td>");
            html.Append(C, $"<td><span class=\"state {state}\">{state}</span>{since}{detail}</td><td>{s.Activity?.FramesLastMinute ?? 0}</td><td>{s.Dropped:0}</td>");
            html.Append(C, $"<td>{last}</td><td>{thumbnail}</td><td>{error}</td></tr>");
        }

        return html.Append("</tbody></table>").ToString();
    }

    /// <summary>Where shipping to the central database stands: what waits and since when, the last shipment, the last error; nothing when it is off.</summary>
    public static string Shipping(Sync.ShippingStatus? status, DateTimeOffset now)
    {
        if (status is null)
        {
            return "";
        }

        var last = status.LastContact is { } at ? $"last contact {Age(now - at)} ago" : "not reached since the agent started";
        var oldest = status.Oldest is { } since ? string.Create(C, $", the oldest since {since.UtcDateTime:yyyy-MM-dd HH:mm} UTC") : "";
        var error = status.LastError is { } e ? $"; last try: {H(e)}" : "";
        return string.Create(C, $"<p class=\"shipping\" data-waiting=\"{status.Records}\">Central database: {last}; {status.Records} records waiting{oldest}; {status.Pictures} alert pictures waiting{error}</p>");
    }

    /// <summary>The latest alerts with their pictures and each channel's delivery; a failed one has a retry button.</summary>
    public static string Alerts(IReadOnlyList<AlertView> alerts, string token)
    {
        if (alerts.Count == 0)
        {
            return "<p>No alerts yet.</p>";
        }

        var html = new StringBuilder();
        foreach (var (alert, deliveries, verdict) in alerts)
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

            html.Append("</ul>");
            html.Append(VerdictOn(alert, verdict, token));
            html.Append("</div></article>");
        }

        return html.ToString();
    }

    /// <summary>
    /// An alert's verdict: a "Not a threat" button while there is none (or it was undone); a "not a
    /// threat" in force says what it suppresses and until when, with its undo.
    /// </summary>
    private static string VerdictOn(Alert alert, Verdict? verdict, string token)
    {
        var o = alert.Observation;
        if (verdict is { UndoneAt: null } given)
        {
            var what = given.Threat
                ? "Confirmed a threat"
                : string.Create(C, $"Not a threat: the same {H(given.Label)} at this place of {H(given.SourceId)} raises no alert until {given.Until?.UtcDateTime:yyyy-MM-dd HH:mm} UTC");
            var state = given.Threat ? "threat" : "not-a-threat";
            return string.Create(C, $"<div class=\"verdict\" data-verdict=\"{state}\">{what} — {H(given.By)}, {given.At.UtcDateTime:yyyy-MM-dd HH:mm} UTC")
                + $"<form method=\"post\" action=\"/verdicts/{given.Id.ToString(C)}/undo\">{Token(token)}<button>Undo</button></form></div>";
        }

        var undone = verdict is { UndoneAt: { } at } ? string.Create(C, $"<span class=\"when\">(a verdict was undone by {H(verdict.UndoneBy ?? "")}, {at.UtcDateTime:yyyy-MM-dd HH:mm} UTC)</span>") : "";
        return $"<form class=\"verdict\" method=\"post\" action=\"/alerts/{U(alert.Id)}/verdict\">{Token(token)}<input type=\"hidden\" name=\"threat\" value=\"false\">"
            + $"<button title=\"The same {H(o.Detection.Label)} at this place of {H(o.SourceId)} will not raise an alert for a while\">Not a threat</button> {undone}</form>";
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

    /// <summary>Escapes text from outside for HTML text and attribute values.</summary>
    public static string H(string text) => WebUtility.HtmlEncode(text);

    /// <summary>Escapes an id for a URL path segment or query value.</summary>
    public static string U(string text) => Uri.EscapeDataString(text);

    /// <summary>The page's style sheet (with the map's), served from the agent: the site has no internet.</summary>
    public static string Css { get; } = SiteMap.Css + EmbeddedText.Read("Station/station.css");

    /// <summary>
    /// The page's script: fetches each section again every five seconds (the server answers 304 when
    /// nothing changed) and swaps it in; a lost login reloads the page, which then asks for it.
    /// </summary>
    public static string Script { get; } = EmbeddedText.Read("Station/station.js");

    private static string Layout(string title, string body, bool script) =>
        $"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">" +
        $"<title>{H(title)}</title><link rel=\"stylesheet\" href=\"/station.css\">{(script ? "<script src=\"/station.js\" defer></script>" : "")}</head><body>{body}</body></html>";

    private static string Token(string token) => $"<input type=\"hidden\" name=\"__RequestVerificationToken\" value=\"{H(token)}\">";

    private static string Age(TimeSpan age) => age.TotalSeconds < 0 ? "0 s"
        : age.TotalMinutes < 2 ? string.Create(C, $"{age.TotalSeconds:0} s")
        : age.TotalHours < 2 ? string.Create(C, $"{age.TotalMinutes:0} min")
        : age.TotalDays < 2 ? string.Create(C, $"{age.TotalHours:0} h")
        : string.Create(C, $"{age.TotalDays:0} days");
}
