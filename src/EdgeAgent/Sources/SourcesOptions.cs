namespace EdgeAgent.Sources;

using EdgeAgent.Common;
using EdgeAgent.Detection;
using EdgeAgent.Telemetry;
using EdgeAgent.Tracking;

/// <summary>What happens to a camera-trap picture once its detections are recorded.</summary>
public enum AfterProcessing
{
    /// <summary>Leave it where it is; the ledger remembers it was done.</summary>
    Leave,

    /// <summary>Move it into a <c>processed/</c> folder beside it.</summary>
    Move,
}

/// <summary>Configuration section <c>Sources</c>: the drop folders and video streams the daemon reads.</summary>
public sealed class SourcesOptions : ISelfValidating
{
    /// <summary>The section's name.</summary>
    public const string SectionName = "Sources";

    /// <summary>Folders that camera traps upload pictures into.</summary>
    public List<DropFolderOptions> DropFolders { get; set; } = [];

    /// <summary>Drone and fixed-camera video streams.</summary>
    public List<StreamOptions> Streams { get; set; } = [];

    /// <summary>
    /// Camera-trap pictures decoded at once, over all drop folders; decoding a large JPEG costs about as
    /// much as inference on the CPU. 0 (default): 1 when inference is on the CPU, all cores but one when
    /// it is on a GPU or a Triton server.
    /// </summary>
    public int DecodeWorkers { get; set; }

    /// <summary>Drop folders are also rescanned this often: file-system watchers miss events.</summary>
    public TimeSpan RescanInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Pictures larger than this are decoded at reduced scale (JPEG) or refused: a 3 MB PNG can hold 3 600 megapixels.</summary>
    public int MaxPictureMegapixels { get; set; } = PictureReader.DefaultMaxMegapixels;

    /// <inheritdoc />
    public IEnumerable<string> Problems()
    {
        if (DecodeWorkers < 0)
        {
            yield return $"Sources:DecodeWorkers: {DecodeWorkers} cannot be negative (0: sized from the cores and where inference runs)";
        }

        if (RescanInterval < TimeSpan.FromMilliseconds(100))
        {
            yield return $"Sources:RescanInterval: {RescanInterval} must be at least 00:00:00.1 (a rescan costs a directory walk)";
        }

        if (MaxPictureMegapixels is < 1 or > 1000)
        {
            yield return $"Sources:MaxPictureMegapixels: {MaxPictureMegapixels} must lie between 1 and 1000";
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < DropFolders.Count; i++)
        {
            var folder = DropFolders[i];
            var key = $"Sources:DropFolders:{i}";
            if (folder.Id.Length == 0 || !ids.Add(folder.Id))
            {
                yield return $"{key}:Id: every source needs its own id (the camera's id)";
            }

            if (!Directory.Exists(folder.Path))
            {
                yield return $"{key}:Path: folder '{folder.Path}' does not exist";
            }

            if (folder.StableFor < TimeSpan.Zero)
            {
                yield return $"{key}:StableFor: cannot be negative";
            }

            if (folder.GiveUpAfter < TimeSpan.Zero)
            {
                yield return $"{key}:GiveUpAfter: cannot be negative";
            }

            if (folder.MaxPictureAge is { } age && age <= TimeSpan.Zero)
            {
                yield return $"{key}:MaxPictureAge: {folder.MaxPictureAge} must be positive";
            }

            foreach (var problem in MaskProblems(folder.Masks).Concat(StaticObjectProblems(folder.StaticObjects)))
            {
                yield return $"{key}:{problem}";
            }
        }

        for (var i = 0; i < Streams.Count; i++)
        {
            var stream = Streams[i];
            var key = $"Sources:Streams:{i}";
            if (stream.Id.Length == 0 || !ids.Add(stream.Id))
            {
                yield return $"{key}:Id: every source needs its own id";
            }

            if (string.IsNullOrWhiteSpace(stream.Url) == string.IsNullOrWhiteSpace(stream.Pipeline))
            {
                yield return $"{key}: give either Url (rtsp://, udp://, http://, a file) or Pipeline (GStreamer), not both or neither";
            }

            if (stream.Url.Contains("://", StringComparison.Ordinal) && !NetworkSchemes.Contains(stream.Url[..stream.Url.IndexOf("://", StringComparison.Ordinal)]))
            {
                yield return $"{key}:Url: '{stream.Url}' — the scheme is not one of {string.Join(", ", NetworkSchemes.Order(StringComparer.Ordinal))}";
            }
            else if (!stream.Url.Contains("://", StringComparison.Ordinal) && stream.Url.Length > 0 && !File.Exists(stream.Url))
            {
                yield return $"{key}:Url: '{stream.Url}' is neither a stream URL (rtsp://, udp://, …) nor a file";
            }

            foreach (var problem in MaskProblems(stream.Masks))
            {
                yield return $"{key}:{problem}";
            }

            if (stream.MaxReconnectDelay < TimeSpan.FromSeconds(1))
            {
                yield return $"{key}:MaxReconnectDelay: {stream.MaxReconnectDelay} must be at least a second";
            }

            if (stream.DetectionFps is <= 0 or > 60)
            {
                yield return $"{key}:DetectionFps: {stream.DetectionFps} must lie in (0, 60]";
            }

            if (stream.StallTimeout < TimeSpan.FromSeconds(1))
            {
                yield return $"{key}:StallTimeout: must be at least a second";
            }

            foreach (var problem in TelemetryProblems(stream))
            {
                yield return $"{key}:Telemetry{problem}";
            }
        }
    }

    /// <summary>What ffmpeg reads from the network.</summary>
    private static readonly HashSet<string> NetworkSchemes = new(StringComparer.OrdinalIgnoreCase) { "rtsp", "rtsps", "rtmp", "udp", "rtp", "srt", "tcp", "http", "https" };

    private static IEnumerable<string> MaskProblems(List<MaskPolygon> masks)
    {
        for (var m = 0; m < masks.Count; m++)
        {
            var points = masks[m].Points ?? [];
            if (points.Count < 3)
            {
                yield return $"Masks:{m}:Points: a polygon needs at least 3 corners, it has {points.Count}";
            }

            for (var p = 0; p < points.Count; p++)
            {
                var point = points[p];
                if (point is null || point.Length != 2 || point.Any(v => !float.IsFinite(v)))
                {
                    yield return $"Masks:{m}:Points:{p}: a corner is [x, y], got [{string.Join(", ", point ?? [])}]";
                }
                else if (masks[m].Units == MaskUnits.Normalized && point.Any(v => v is < 0 or > 1))
                {
                    yield return $"Masks:{m}:Points:{p}: [{point[0]}, {point[1]}] lies outside 0–1 (Units is Normalized; give \"Units\": \"Pixels\" for pixels)";
                }
            }
        }
    }

    private static IEnumerable<string> StaticObjectProblems(RepeatDetectionOptions staticObjects)
    {
        if (staticObjects.MinIou is <= 0 or > 1)
        {
            yield return $"StaticObjects:MinIou: {staticObjects.MinIou} must lie in (0, 1]";
        }

        if (staticObjects.MinOccurrences < 2)
        {
            yield return $"StaticObjects:MinOccurrences: {staticObjects.MinOccurrences} must be at least 2 (1 would call every detection static)";
        }

        if (staticObjects.History < staticObjects.MinOccurrences)
        {
            yield return $"StaticObjects:History: {staticObjects.History} must be at least MinOccurrences ({staticObjects.MinOccurrences})";
        }
    }

    private static IEnumerable<string> TelemetryProblems(StreamOptions stream)
    {
        var telemetry = stream.Telemetry;
        if (telemetry.HorizontalFieldOfView is { } fov && fov is <= 0 or >= 180)
        {
            yield return $":HorizontalFieldOfView: {fov} must lie between 0 and 180 degrees";
        }

        switch (telemetry.Kind)
        {
            case TelemetryKind.None:
                yield break;
            case TelemetryKind.Mavlink:
                if (!System.Net.IPEndPoint.TryParse(telemetry.Listen, out var listen) || listen.Port == 0)
                {
                    yield return $":Listen: '{telemetry.Listen}' is not an address and port to listen for MAVLink on (e.g. 127.0.0.1:14550)";
                }

                yield break;
            case TelemetryKind.Klv when stream.IsNetworkStream && stream.Url.Contains("://", StringComparison.Ordinal):
                // Live: read from the stream as it comes.
                yield break;
        }

        if (!File.Exists(stream.Url))
        {
            yield return telemetry.Kind == TelemetryKind.Klv
                ? $":Kind: KLV is read from a recorded MPEG-TS file or a network stream (udp://, rtsp://, …); {(stream.Pipeline.Length > 0 ? "not from a GStreamer pipeline" : $"'{stream.Url}' is neither")}"
                : $":Kind: {telemetry.Kind} telemetry is read from a recorded video file, and '{stream.Url}' is not one";
            yield break;
        }

        string? error = null;
        try
        {
            PoseTimeline.Load(stream.Url, telemetry);
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

/// <summary>A camera trap's upload folder.</summary>
public sealed class DropFolderOptions
{
    /// <summary>The camera's id: its pictures' source, matched to <c>Geofencing:Cameras</c> for the position.</summary>
    public string Id { get; set; } = "";

    /// <summary>The folder, watched recursively.</summary>
    public string Path { get; set; } = "";

    /// <summary>Leave processed pictures or move them into <c>processed/</c>.</summary>
    public AfterProcessing AfterProcessing { get; set; } = AfterProcessing.Leave;

    /// <summary>A file counts as complete when its size and time have not changed for this long.</summary>
    public TimeSpan StableFor { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>A file that still does not decode this long after its last change is recorded as failed.</summary>
    public TimeSpan GiveUpAfter { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// A capture time more than this before the picture arrives is taken for a reset clock; off when
    /// not set, since an archive or a card read after a season is legitimately old (90 days suits a
    /// camera that uploads as it shoots).
    /// </summary>
    public TimeSpan? MaxPictureAge { get; set; }

    /// <summary>Masked areas of this camera's view.</summary>
    public List<MaskPolygon> Masks { get; set; } = [];

    /// <summary>Repeat-detection elimination of static objects (a burned-in bar called a car, a rock called a bear).</summary>
    public RepeatDetectionOptions StaticObjects { get; set; } = new();

    /// <summary>The pictures are drone photos that carry their own pose (DJI: EXIF GPS, XMP height and gimbal angles); each is placed from it instead of from <c>Geofencing:Cameras</c>.</summary>
    public bool DronePhotos { get; set; }
}

/// <summary>A video stream.</summary>
public sealed class StreamOptions
{
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
}
