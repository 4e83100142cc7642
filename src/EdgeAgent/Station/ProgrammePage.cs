namespace EdgeAgent.Station;

using System.Globalization;
using System.Text;
using static EdgeAgent.Station.StationPage;

/// <summary>The programme's station page's sections: the agents, every site's latest alerts, and counts per site.</summary>
public static class ProgrammePage
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    /// <summary>Each agent with its last contact and what still waits on it; one silent for longer than <paramref name="silentAfter"/> is marked.</summary>
    public static string Agents(IReadOnlyList<AgentView> agents, DateTimeOffset now, TimeSpan silentAfter)
    {
        if (agents.Count == 0)
        {
            return "<p>No agent has shipped records yet.</p>";
        }

        var html = new StringBuilder("<table class=\"agents\"><thead><tr><th>Agent</th><th>Site</th><th>Version</th><th>Last contact</th><th>Records waiting</th><th>Oldest waiting since</th><th>Pictures waiting</th></tr></thead><tbody>");
        foreach (var a in agents)
        {
            var silent = now - a.LastContact > silentAfter;
            html.Append(C, $"<tr data-agent=\"{H(a.Id)}\"{(silent ? " class=\"silent\"" : "")}><td>{H(a.Id)}</td><td>{H(a.Site)}</td><td>{H(a.Version)}</td>");
            html.Append(C, $"<td>{a.LastContact.UtcDateTime:yyyy-MM-dd HH:mm} UTC{(silent ? " — silent" : "")}</td><td>{a.Backlog}</td>");
            html.Append(C, $"<td>{(a.BacklogOldest is { } at ? at.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", C) : "")}</td><td>{a.PicturesWaiting}</td></tr>");
        }

        return html.Append("</tbody></table>").ToString();
    }

    /// <summary>The latest alerts of every site, newest first, with each channel's delivery state as the agent last reported it.</summary>
    public static string Alerts(IReadOnlyList<SiteAlert> alerts)
    {
        if (alerts.Count == 0)
        {
            return "<p>No alerts yet.</p>";
        }

        var html = new StringBuilder("<table class=\"site-alerts\"><thead><tr><th>Seen (UTC)</th><th>Agent</th><th>Source</th><th>Severity</th><th>What</th><th>Zone</th><th>Rule</th><th>Delivery</th><th>Picture</th></tr></thead><tbody>");
        foreach (var (agent, alert, deliveries, hasPicture) in alerts)
        {
            var o = alert.Observation;
            var what = $"{H(o.Detection.Label)} {o.Detection.Confidence.ToString("0.00", C)}{(o.Detection.Taxon is { } taxon ? $" — {H(taxon.Display)}" : "")}";
            html.Append(C, $"<tr class=\"{alert.Severity.ToString().ToLowerInvariant()}\" data-alert=\"{H(alert.Id)}\"><td>{o.CapturedAt.UtcDateTime:yyyy-MM-dd HH:mm:ss}</td>");
            html.Append(C, $"<td>{H(agent)}</td><td>{H(o.SourceId)}</td><td>{alert.Severity}</td><td>{what}</td><td>{H(alert.ZoneName ?? "")}</td><td>{H(alert.Rule)}</td>");
            html.Append(C, $"<td>{string.Join(", ", deliveries.Select(d => $"{H(d.Channel)}: {H(d.State)}"))}</td>");
            html.Append(C, $"<td>{(hasPicture ? $"<a href=\"/alerts/{U(agent)}/{U(alert.Id)}/picture\">picture</a>" : "not shipped")}</td></tr>");
        }

        return html.Append("</tbody></table>").ToString();
    }

    /// <summary>Per site and taxon (or label): camera-trap pictures with it and video tracks of it.</summary>
    public static string Counts(IReadOnlyList<(string AgentId, string Site, string Name, string Label, string Category, long Pictures, long Tracks)> counts)
    {
        if (counts.Count == 0)
        {
            return "<p>Nothing recorded yet.</p>";
        }

        var html = new StringBuilder("<table class=\"counts\"><thead><tr><th>Agent</th><th>Site</th><th>What</th><th>Detector's label</th><th>Pictures</th><th>Video tracks</th></tr></thead><tbody>");
        foreach (var (agent, site, name, label, category, pictures, tracks) in counts)
        {
            html.Append(C, $"<tr class=\"{H(category)}\"><td>{H(agent)}</td><td>{H(site)}</td><td>{H(name)}</td><td>{H(label)}</td><td>{pictures}</td><td>{tracks}</td></tr>");
        }

        return html.Append("</tbody></table>").ToString();
    }
}
