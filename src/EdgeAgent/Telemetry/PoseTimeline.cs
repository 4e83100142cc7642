namespace EdgeAgent.Telemetry;

using EdgeAgent.Common.Observations;
using EdgeAgent.Telemetry.Dji;
using EdgeAgent.Telemetry.Klv;

/// <summary>What a video stream's telemetry is.</summary>
public enum TelemetryKind
{
    /// <summary>None: the stream is placed from <c>Geofencing:Cameras</c>, like a fixed camera.</summary>
    None,

    /// <summary>A DJI subtitle file beside the video file.</summary>
    Srt,

    /// <summary>MISB KLV inside the video: a recorded MPEG-TS file (by the time into the video) or a live network stream (the latest).</summary>
    Klv,

    /// <summary>MAVLink 2 over UDP (<see cref="StreamTelemetryOptions.Listen"/>), live: each frame gets the latest pose.</summary>
    Mavlink,
}

/// <summary>Configuration of a stream's telemetry (<c>Sources:Streams:N:Telemetry</c>).</summary>
public sealed class StreamTelemetryOptions
{
    /// <summary>Where the poses come from.</summary>
    public TelemetryKind Kind { get; set; }

    /// <summary>The subtitle file; default: the video file's path with <c>.SRT</c> or <c>.srt</c>.</summary>
    public string Path { get; set; } = "";

    /// <summary>Horizontal field of view in degrees, where the telemetry has none (DJI: not the diagonal figure DJI quotes).</summary>
    public double? HorizontalFieldOfView { get; set; }

    /// <summary>
    /// The IANA time zone of the aircraft's clock (e.g. <c>Africa/Nairobi</c>). DJI subtitles write
    /// local time without its zone; with it, a recorded DJI flight is dated by its own clock rather
    /// than by when it is read.
    /// </summary>
    public string TimeZone { get; set; } = "";

    /// <summary>For MAVLink: the UDP address and port to listen on, e.g. <c>127.0.0.1:14550</c> (<c>0.0.0.0:14550</c> for a radio on the network).</summary>
    public string Listen { get; set; } = "";

    /// <summary>
    /// For MAVLink: the link's signing key — 64 hex digits, or a passphrase whose SHA-256 is the key
    /// (as ground stations make it). With it, only frames signed with it are taken. A secret: from
    /// the environment or a systemd credential, never the file.
    /// </summary>
    public string SigningKey { get; set; } = "";

    /// <summary>The signing key's 32 bytes, or null when none is set.</summary>
    public byte[]? SigningKeyBytes => SigningKey.Length == 0 ? null
        : SigningKey.Length == 64 && SigningKey.All(char.IsAsciiHexDigit) ? Convert.FromHexString(SigningKey)
        : System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(SigningKey));

    /// <summary>A frame further than this from every sample has no pose (and is placed at no position).</summary>
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The ground's elevation above sea level in metres, for telemetry that gives the aircraft's altitude but not its height above the ground.</summary>
    public double? GroundElevation { get; set; }

    /// <summary>A sample with what the configuration adds where the telemetry has nothing: the field of view, the height above the ground.</summary>
    public PoseSample Complete(PoseSample sample)
    {
        ArgumentNullException.ThrowIfNull(sample);
        return sample with
        {
            HorizontalFieldOfView = sample.HorizontalFieldOfView ?? HorizontalFieldOfView,
            HeightAboveGround = sample.HeightAboveGround ?? (sample.AltitudeReference == AltitudeReference.TakeOff ? null : sample.Altitude - GroundElevation),
        };
    }
}

/// <summary>
/// A recorded flight's poses by time into the video: each frame gets the samples either side of it
/// interpolated (angles the short way round), or the nearest when it lies before the first or after
/// the last, and no pose when the nearest sample is older than <see cref="StreamTelemetryOptions.MaxAge"/>.
/// </summary>
public sealed class PoseTimeline
{
    private readonly (TimeSpan At, PoseSample Sample)[] _samples;
    private readonly StreamTelemetryOptions _options;

    /// <summary>A timeline from samples and the time into the video of each.</summary>
    /// <param name="samples">The samples, each with its time into the video.</param>
    /// <param name="options">The stream's telemetry settings.</param>
    public PoseTimeline(IEnumerable<(TimeSpan At, PoseSample Sample)> samples, StreamTelemetryOptions options)
    {
        _samples = samples.OrderBy(s => s.At).ToArray();
        _options = options;
        if (_samples.FirstOrDefault(s => s.Sample.Time is not null) is { Sample.Time: { } time } first)
        {
            VideoStart = time - first.At;
        }
        else if (options.TimeZone.Length > 0 && TimeZoneInfo.TryFindSystemTimeZoneById(options.TimeZone, out var zone)
            && _samples.FirstOrDefault(s => s.Sample.LocalTime is not null) is { Sample.LocalTime: { } local } firstLocal)
        {
            var clock = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
            VideoStart = new DateTimeOffset(clock, zone.GetUtcOffset(clock)) - firstLocal.At;
        }
    }

    /// <summary>Samples on the timeline.</summary>
    public int Count => _samples.Length;

    /// <summary>
    /// When the video began by the sender's clock: a UTC one (MISB precision time stamps), or a local
    /// one in <see cref="StreamTelemetryOptions.TimeZone"/> (DJI subtitles); null where the telemetry
    /// has no clock, or only a local one and no zone is set.
    /// </summary>
    public DateTimeOffset? VideoStart { get; }

    /// <summary>Loads the telemetry of a video file; throws <see cref="IOException"/> or <see cref="InvalidDataException"/> naming the file.</summary>
    public static PoseTimeline Load(string videoPath, StreamTelemetryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        switch (options.Kind)
        {
            case TelemetryKind.Srt:
                var path = options.Path.Length > 0 ? options.Path : SidecarOf(videoPath);
                var srt = SrtTelemetry.ReadFile(path);
                return srt.Samples.Count == 0
                    ? throw new InvalidDataException($"{path}: no DJI telemetry in it ({srt.Implausible} blocks with values no aircraft reports)")
                    : new PoseTimeline(srt.Samples.Where(s => s.VideoTime is not null).Select(s => (s.VideoTime!.Value, s)), options);
            case TelemetryKind.Klv:
                var klv = KlvTelemetry.ReadFile(videoPath);
                if (klv.Samples.Count == 0)
                {
                    throw new InvalidDataException($"{videoPath}: no MISB KLV telemetry in it ({klv.ChecksumFailures} packets failed their checksum, {klv.Implausible} had values no aircraft reports)");
                }

                // With presentation times, those; else the senders' clocks, from the first sample.
                var first = klv.Samples[0];
                return new PoseTimeline(
                    klv.Samples.Select(s => (s.Pts is { } pts && first.Pts is { } start
                        ? TimeSpan.FromSeconds((pts - start) / 90_000.0)
                        : (s.Sample.Time - first.Sample.Time) ?? TimeSpan.Zero, s.Sample)),
                    options);
            default:
                return new PoseTimeline([], options);
        }
    }

    /// <summary>The camera's pose at <paramref name="videoTime"/>, or null.</summary>
    public CameraPose? PoseAt(TimeSpan videoTime)
    {
        if (_samples.Length == 0)
        {
            return null;
        }

        var after = Array.FindIndex(_samples, s => s.At >= videoTime);
        PoseSample sample;
        if (after <= 0)
        {
            var nearest = after == 0 ? _samples[0] : _samples[^1];
            if ((nearest.At - videoTime).Duration() > _options.MaxAge)
            {
                return null;
            }

            sample = nearest.Sample;
        }
        else
        {
            var (a, b) = (_samples[after - 1], _samples[after]);
            if (videoTime - a.At > _options.MaxAge && b.At - videoTime > _options.MaxAge)
            {
                return null;
            }

            var t = b.At == a.At ? 0 : (videoTime - a.At) / (b.At - a.At);
            sample = Interpolate(a.Sample, b.Sample, t);
        }

        return TelemetryPose.ToCameraPose(_options.Complete(sample));
    }

    private static string SidecarOf(string videoPath)
    {
        var upper = System.IO.Path.ChangeExtension(videoPath, ".SRT");
        return File.Exists(upper) ? upper : System.IO.Path.ChangeExtension(videoPath, ".srt");
    }

    private static PoseSample Interpolate(PoseSample a, PoseSample b, double t) => a with
    {
        Position = GeoPosition.Of(Attitude.Linear(a.Position?.Latitude, b.Position?.Latitude, t), Attitude.Linear(a.Position?.Longitude, b.Position?.Longitude, t)),
        Altitude = Attitude.Linear(a.Altitude, b.Altitude, t),
        HeightAboveGround = Attitude.Linear(a.HeightAboveGround, b.HeightAboveGround, t),
        Platform = a.Platform.Toward(b.Platform, t),
        Sensor = a.Sensor.Toward(b.Sensor, t),
    };
}
