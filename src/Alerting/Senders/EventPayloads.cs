namespace EdgeAgent.Alerting.Senders;

using System.Text.Json;
using EdgeAgent.Common.Observations;
using EdgeAgent.Alerting.Rules;

/// <summary>The JSON published on the events topic, for dashboards and other tools.</summary>
public static class EventPayloads
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>An alert event: <c>type = "alert"</c>, with the alert id that the e-mail's Message-ID also carries.</summary>
    public static string Alert(Alert alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        return JsonSerializer.Serialize(
            new
            {
                Type = "alert",
                alert.Id,
                Severity = alert.Severity.ToString().ToLowerInvariant(),
                alert.Rule,
                Zone = alert.ZoneId is null ? null : new { Id = alert.ZoneId, Name = alert.ZoneName },
                RaisedAt = alert.RaisedAt.UtcDateTime,
                Burst = alert.Burst is { } burst ? new { burst.Pictures, burst.SeenIn, burst.Confirmed } : null,
                Observation = Describe(alert.Observation),
            },
            Json);
    }

    /// <summary>A detection event: <c>type = "detection"</c>, one per observation.</summary>
    public static string Detection(Observation observation, IEnumerable<string> zoneIds)
    {
        ArgumentNullException.ThrowIfNull(observation);
        return JsonSerializer.Serialize(new { Type = "detection", Observation = Describe(observation), Zones = zoneIds.ToArray() }, Json);
    }

    private static object Describe(Observation o) => new
    {
        Source = o.SourceId,
        CapturedAt = o.CapturedAt.UtcDateTime,
        o.Detection.Label,
        Category = o.Detection.Category.Name(),
        o.Detection.Confidence,
        Taxon = o.Detection.Taxon is { } named
            ? new { named.Taxon.ScientificName, named.Taxon.Rank, named.Taxon.CommonName, named.Taxon.Description, named.Score, named.Method }
            : null,
        Box = new[] { o.Detection.Box.X, o.Detection.Box.Y, o.Detection.Box.Width, o.Detection.Box.Height },
        Position = o.Position is { } p ? new { p.Latitude, p.Longitude, UncertaintyMetres = o.Uncertainty } : null,
    };
}
