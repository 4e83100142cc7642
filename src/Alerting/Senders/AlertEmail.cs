namespace EdgeAgent.Alerting.Senders;

using System.Globalization;
using System.Net;
using EdgeAgent.Common.Observations;
using EdgeAgent.Alerting.Rules;
using MimeKit;

/// <summary>Writes the e-mail a ranger reads on a phone: what, where, when in the subject; the details and the picture in the body.</summary>
public static class AlertEmail
{
    /// <summary>The subject line, e.g. <c>[ALERT] person in Rhino Sanctuary — camera CT-07 — 2026-11-26 02:14 UTC</c>.</summary>
    public static string Subject(Alert alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        var tag = alert.Severity == AlertSeverity.Critical ? "ALERT" : alert.Severity.ToString().ToUpperInvariant();
        var where = alert.ZoneName is null ? "" : $" in {alert.ZoneName}";
        var when = alert.Observation.CapturedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
        var unconfirmed = alert.Burst is { Confirmed: false } ? " (unconfirmed)" : "";
        var what = alert.Observation.Detection.Taxon?.Taxon.Display ?? alert.Observation.Detection.Label;
        return $"[{tag}] {what}{unconfirmed}{where} — camera {alert.Observation.SourceId} — {when} UTC";
    }

    /// <summary>Builds the message. <paramref name="picture"/> is the (already size-capped) annotated JPEG, or null.</summary>
    public static MimeMessage Compose(Alert alert, EmailOptions options, string deviceId, byte[]? picture)
    {
        ArgumentNullException.ThrowIfNull(alert);
        ArgumentNullException.ThrowIfNull(options);
        var message = new MimeMessage
        {
            Subject = Subject(alert),
            MessageId = $"{alert.Id}@{deviceId}",
            Date = alert.RaisedAt,
        };
        message.From.Add(MailboxAddress.Parse(options.From));
        foreach (var to in alert.Recipients.Count > 0 ? alert.Recipients : options.To)
        {
            message.To.Add(MailboxAddress.Parse(to));
        }

        message.Headers.Add("X-Edge-Agent-Alert-Id", alert.Id);
        message.Headers.Add("X-Edge-Agent-Severity", alert.Severity.ToString());

        var facts = Facts(alert, picture is null && alert.Observation.Picture is not null);
        var body = new BodyBuilder
        {
            TextBody = string.Join('\n', facts.Select(f => $"{f.Name}: {f.Value}")) + "\n",
        };

        var html = new System.Text.StringBuilder();
        html.Append("<html><body style=\"font-family:sans-serif\">");
        html.Append(CultureInfo.InvariantCulture, $"<h2>{WebUtility.HtmlEncode(message.Subject)}</h2><table>");
        foreach (var (name, value) in facts)
        {
            var shown = value.StartsWith("https://", StringComparison.Ordinal)
                ? $"<a href=\"{WebUtility.HtmlEncode(value)}\">{WebUtility.HtmlEncode(value)}</a>"
                : WebUtility.HtmlEncode(value);
            html.Append(CultureInfo.InvariantCulture, $"<tr><th align=\"left\">{WebUtility.HtmlEncode(name)}</th><td>{shown}</td></tr>");
        }

        html.Append("</table>");
        if (picture is not null)
        {
            var image = body.LinkedResources.Add("alert.jpg", picture, new ContentType("image", "jpeg"));
            image.ContentId = $"picture.{alert.Id}@{deviceId}";
            html.Append(CultureInfo.InvariantCulture, $"<p><img src=\"cid:{image.ContentId}\" alt=\"annotated picture\" style=\"max-width:100%\"></p>");
        }

        html.Append("</body></html>");
        body.HtmlBody = html.ToString();
        message.Body = body.ToMessageBody();
        return message;
    }

    private static List<(string Name, string Value)> Facts(Alert alert, bool pictureLeftBehind)
    {
        var o = alert.Observation;
        var c = CultureInfo.InvariantCulture;
        var zone = TimeZoneInfo.Utc;
        if (alert.TimeZone is { Length: > 0 } id && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var found))
        {
            zone = found;
        }

        var local = TimeZoneInfo.ConvertTime(o.CapturedAt, zone);
        var facts = new List<(string, string)>
        {
            ("What", o.Detection.Taxon is { } named
                ? $"{named.Display} — detector: {o.Detection.Label} ({o.Detection.Category.Name()}), taxon by {named.Method}"
                : $"{o.Detection.Label} ({o.Detection.Category.Name()})"),
            ("Confidence", o.Detection.Confidence.ToString("0.00", c)),
            ("Zone", alert.ZoneName is null ? "—" : $"{alert.ZoneName} ({alert.ZoneId})"),
            ("Camera", o.SourceId),
            ("Position", o.Position is { } at ? (o.Uncertainty is { } metres ? string.Create(c, $"{at} (± {metres:0} m)") : at.ToString()) : "unknown"),
        };
        if (o.Position is { } position)
        {
            facts.Add(("Map", position.MapLink));
        }

        if (o.Camera is { HeightAboveGround: { } height } camera)
        {
            // A drone's (or a mast's) view: where the camera was, how high, and where it looked.
            var looking = camera.Heading is { } heading && camera.Tilt is { } tilt ? string.Create(c, $", looking {heading:0}° from north, {tilt:0}° down") : "";
            facts.Add(("Camera at", string.Create(c, $"{camera.Position}, {height:0} m above the ground{looking}")));
        }

        facts.Add(("Captured (UTC)", o.CapturedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", c)));
        facts.Add(("Captured (local)", string.Create(c, $"{local:yyyy-MM-dd HH:mm:ss} {zone.Id} (UTC{local:zzz})")));
        facts.Add(("Severity", alert.Severity.ToString()));
        facts.Add(("Rule", alert.Rule));
        if (alert.Burst is { } burst)
        {
            facts.Add(("Burst", burst.ToString()));
        }

        facts.Add(("Alert id", alert.Id));
        if (pictureLeftBehind)
        {
            facts.Add(("Picture", "too large for the size limit; kept on the device"));
        }

        return facts;
    }
}
