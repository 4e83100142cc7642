namespace Alerting.Tests;

using EdgeAgent.Common.Observations;
using EdgeAgent.Alerting.Rules;
using EdgeAgent.Alerting.Senders;
using MimeKit;

public sealed class AlertEmailTests
{
    private static readonly DateTimeOffset Captured = new(2026, 11, 26, 2, 14, 33, TimeSpan.Zero);

    private static Alert Alert(string? zone = "Rhino Sanctuary") => new(
        "0193f1c2a3b44c5d8e9f001122334455",
        Captured.AddSeconds(1),
        AlertSeverity.Critical,
        "poacher-in-rhino",
        new Observation("CT-07", Captured, new GeoPosition(-1.4, 35.1), new Detection("person", DetectionCategory.Person, 0.91f, default), [1, 2, 3], Uncertainty: 12.4),
        zone is null ? null : "rhino",
        zone,
        [],
        "Africa/Nairobi");

    private static readonly EmailOptions Options = new() { Host = "mail", From = "edge-agent@example.org", To = ["ranger@example.org"] };

    [Fact]
    public void The_subject_says_what_where_and_when()
    {
        Assert.Equal("[ALERT] person in Rhino Sanctuary — camera CT-07 — 2026-11-26 02:14 UTC", AlertEmail.Subject(Alert()));
        Assert.Equal("[WARNING] person — camera CT-07 — 2026-11-26 02:14 UTC", AlertEmail.Subject(Alert(zone: null) with { Severity = AlertSeverity.Warning }));
    }

    [Fact]
    public void The_message_carries_the_facts_the_picture_and_a_stable_id()
    {
        using var message = AlertEmail.Compose(Alert(), Options, "jetson-01", [0xFF, 0xD8, 0xFF, 0xD9]);

        Assert.Equal("0193f1c2a3b44c5d8e9f001122334455@jetson-01", message.MessageId);
        Assert.Equal("ranger@example.org", message.To.Mailboxes.Single().Address);
        var text = message.TextBody;
        Assert.Contains("Confidence: 0.91", text, StringComparison.Ordinal);
        Assert.Contains("Zone: Rhino Sanctuary (rhino)", text, StringComparison.Ordinal);
        Assert.Contains("Position: -1.4, 35.1 (± 12 m)", text, StringComparison.Ordinal);
        Assert.Contains("https://www.openstreetmap.org/?mlat=-1.4&mlon=35.1", text, StringComparison.Ordinal);
        Assert.Contains("Captured (UTC): 2026-11-26 02:14:33 UTC", text, StringComparison.Ordinal);
        Assert.Contains("Captured (local): 2026-11-26 05:14:33 Africa/Nairobi (UTC+03:00)", text, StringComparison.Ordinal);
        var image = message.BodyParts.OfType<MimePart>().Single(p => p.ContentType.MimeType == "image/jpeg");
        Assert.Contains($"cid:{image.ContentId}", message.HtmlBody, StringComparison.Ordinal);
    }

    [Fact]
    public void A_picture_over_the_limit_is_said_to_be_left_behind()
    {
        using var message = AlertEmail.Compose(Alert(), Options, "jetson-01", picture: null);

        Assert.DoesNotContain(message.BodyParts, p => p.ContentType.MimeType == "image/jpeg");
        Assert.Contains("kept on the device", message.TextBody, StringComparison.Ordinal);
    }
}
