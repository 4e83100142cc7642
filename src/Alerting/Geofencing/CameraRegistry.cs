namespace EdgeAgent.Alerting.Geofencing;

using EdgeAgent.Common.Observations;
using Microsoft.Extensions.Options;

/// <summary>Looks up where a fixed camera stands, where it looks, and the time zone of its site.</summary>
public sealed class CameraRegistry(IOptions<GeofencingOptions> options)
{
    private readonly Dictionary<string, CameraSite> _cameras = options.Value.Cameras.ToDictionary(c => c.Id, StringComparer.Ordinal);

    /// <summary>The camera's position, or null for a source with no fixed position.</summary>
    public GeoPosition? PositionOf(string sourceId) =>
        _cameras.TryGetValue(sourceId, out var c) ? c.Position() : null;

    /// <summary>The camera's pose as configured (complete enough to project when height, heading, tilt and field of view are given), or null.</summary>
    public CameraPose? PoseOf(string sourceId) =>
        _cameras.TryGetValue(sourceId, out var c)
            ? new CameraPose(c.Position(), c.Height, c.Heading, c.Tilt, c.Roll, c.FieldOfView, c.Range)
            : null;

    /// <summary>When the camera was deployed, if configured.</summary>
    public DateTimeOffset? DeployedSince(string sourceId) => _cameras.TryGetValue(sourceId, out var c) ? c.DeployedSince : null;

    /// <summary>The site's time zone; UTC when none is configured.</summary>
    public TimeZoneInfo TimeZoneOf(string sourceId) =>
        _cameras.TryGetValue(sourceId, out var c) && c.TimeZone.Length > 0 ? TimeZoneInfo.FindSystemTimeZoneById(c.TimeZone) : TimeZoneInfo.Utc;
}
