namespace EdgeAgent.Sources;

using EdgeAgent.Detection;
using EdgeAgent.Telemetry;

/// <summary>A video stream.</summary>
public sealed class StreamOptions : IListItem
{
    /// <summary>What ffmpeg reads from the network.</summary>
    private static readonly HashSet<string> NetworkSchemes = new(StringComparer.OrdinalIgnoreCase) { "rtsp", "rtsps", "rtmp", "udp", "rtp", "srt", "tcp", "http", "https" };

    /// <summary>The source id.</summary>
    public string Id { get; set; } = "";

    /// <summary>What FFmpeg opens: <c>rtsp://…</c>, <c>udp://…</c> (MPEG-TS), <c>http://…</c> or a file.</summary>
    public string Url { get; set; } = "";

    /// <summary>A GStreamer pipeline ending in <c>appsink</c>, instead of <see cref="Url"/>: the Jetson hardware-decode path.</summary>
    public string Pipeline { get; set; } = "";

    /// <summary>Frames per second run through the detector; the rest are skipped.</summary>
    public double DetectionFps { get; set; } = 5;

    /// <summary>No frame for this long: the stream is released and opened again.</summary>
    public TimeSpan StallTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Longest wait between reconnection attempts; the wait doubles from one second up to it.</summary>
    public TimeSpan MaxReconnectDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Masked areas of this camera's view.</summary>
    public List<MaskPolygon> Masks { get; set; } = [];

    /// <summary>Where each frame's pose comes from: a drone's telemetry, or (none) <c>Geofencing:Cameras</c>.</summary>
    public StreamTelemetryOptions Telemetry { get; set; } = new();

    /// <summary>
    /// Run the model on overlapping tiles of frames at least twice the model's input size as well as
    /// on the whole frame; default: on for a drone (a stream with telemetry), whose animals are small.
    /// </summary>
    public bool? Tiling { get; set; }

    /// <summary>Whether this stream's large frames are tiled.</summary>
    internal bool Tiles => Tiling ?? Telemetry.Kind != TelemetryKind.None;

    /// <summary>Read through ffmpeg from the network: neither a GStreamer pipeline nor a file.</summary>
    internal bool IsNetworkStream => Pipeline.Length == 0 && !File.Exists(Url);

    /// <inheritdoc />
    public IEnumerable<string> Problems()
    {
        if (string.IsNullOrWhiteSpace(Url) == string.IsNullOrWhiteSpace(Pipeline))
        {
            yield return ": give either Url (rtsp://, udp://, http://, a file) or Pipeline (GStreamer), not both or neither";
        }

        if (Url.Contains("://", StringComparison.Ordinal) && !NetworkSchemes.Contains(Url[..Url.IndexOf("://", StringComparison.Ordinal)]))
        {
            yield return $":Url: '{Url}' — the scheme is not one of {string.Join(", ", NetworkSchemes.Order(StringComparer.Ordinal))}";
        }
        else if (!Url.Contains("://", StringComparison.Ordinal) && Url.Length > 0 && !File.Exists(Url))
        {
            yield return $":Url: '{Url}' is neither a stream URL (rtsp://, udp://, …) nor a file";
        }

        foreach (var problem in MaskPolygon.Problems(Masks))
        {
            yield return problem;
        }

        if (MaxReconnectDelay < TimeSpan.FromSeconds(1))
        {
            yield return $":MaxReconnectDelay: {MaxReconnectDelay} must be at least a second";
        }

        if (DetectionFps is <= 0 or > 60)
        {
            yield return $":DetectionFps: {DetectionFps} must lie in (0, 60]";
        }

        if (StallTimeout < TimeSpan.FromSeconds(1))
        {
            yield return ":StallTimeout: must be at least a second";
        }

        foreach (var problem in TelemetryProblems())
        {
            yield return ":Telemetry" + problem;
        }
    }

    private IEnumerable<string> TelemetryProblems()
    {
        if (Telemetry.HorizontalFieldOfView is { } fov && fov is <= 0 or >= 180)
        {
            yield return $":HorizontalFieldOfView: {fov} must lie between 0 and 180 degrees";
        }

        if (TimeZoneSetting.Problem(Telemetry.TimeZone) is { } zone)
        {
            yield return zone;
        }

        switch (Telemetry.Kind)
        {
            case TelemetryKind.None:
                yield break;
            case TelemetryKind.Mavlink:
                if (!System.Net.IPEndPoint.TryParse(Telemetry.Listen, out var listen) || listen.Port == 0)
                {
                    yield return $":Listen: '{Telemetry.Listen}' is not an address and port to listen for MAVLink on (e.g. 127.0.0.1:14550)";
                }

                yield break;
            case TelemetryKind.Klv when IsNetworkStream && Url.Contains("://", StringComparison.Ordinal):
                // Live: read from the stream as it comes.
                yield break;
        }

        if (!File.Exists(Url))
        {
            yield return Telemetry.Kind == TelemetryKind.Klv
                ? $":Kind: KLV is read from a recorded MPEG-TS file or a network stream (udp://, rtsp://, …); {(Pipeline.Length > 0 ? "not from a GStreamer pipeline" : $"'{Url}' is neither")}"
                : $":Kind: {Telemetry.Kind} telemetry is read from a recorded video file, and '{Url}' is not one";
            yield break;
        }

        string? error = null;
        try
        {
            PoseTimeline.Load(Url, Telemetry);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            error = e.Message;
        }

        if (error is not null)
        {
            yield return $": {error}";
        }
    }
}
