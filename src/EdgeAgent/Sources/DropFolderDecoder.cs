namespace EdgeAgent.Sources;

using EdgeAgent.Alerting.Geofencing;
using EdgeAgent.Common.Observations;
using EdgeAgent.Detection;
using EdgeAgent.Telemetry;
using EdgeAgent.Telemetry.Dji;

/// <summary>A drop-folder picture decoded: its pixels, where the camera was and how far its capture time can be believed.</summary>
internal sealed record DecodedPicture(Picture Picture, CameraPose? Pose, CaptureTime Clock);

/// <summary>
/// Decodes drop-folder pictures, at most as many at a time as the decode workers (shared by every
/// folder), each no larger than the model needs, with its pose (a drone photo's own, else the
/// camera's) and its capture time judged. A decode is native work that must not outlive the stage:
/// once the stop begins none starts, and one not used is waited for (<see cref="Discard"/>).
/// </summary>
internal sealed class DropFolderDecoder(
    SourcesOptions options, DetectorOptions detectorOptions, IDetector detector, CameraRegistry cameras, TimeProvider time, ILogger logger)
{
    private readonly SemaphoreSlim _slots = new(PictureReader.DecodeWorkersFor(detector.InfersOffCpu, options.DecodeWorkers));

    /// <summary>Cameras whose clock was warned about (without EXIF time, or wrong): once each, not for every picture.</summary>
    private readonly HashSet<(string Source, bool NoExif)> _clockWarned = [];

    /// <summary>How many decodes may run at once.</summary>
    public int Workers { get; } = PictureReader.DecodeWorkersFor(detector.InfersOffCpu, options.DecodeWorkers);

    /// <summary>Pictures being decoded now.</summary>
    public int Running => Workers - _slots.CurrentCount;

    /// <summary>Decodes a file on the thread pool; it never starts once <paramref name="stoppingToken"/> is cancelled.</summary>
    public Task<DecodedPicture> Start(PictureFile file, FileKey key, DropFolderOptions folder, CancellationToken stoppingToken) =>
        Task.Run(() => DecodeAsync(file, key, folder, stoppingToken), CancellationToken.None);

    /// <summary>Waits for a decode that will not be used, whatever became of it, and lets its pixels go.</summary>
    public static async Task Discard(Task<DecodedPicture> decode)
    {
        ArgumentNullException.ThrowIfNull(decode);
        try
        {
            (await decode.ConfigureAwait(false)).Picture.Dispose();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Never started, or failed: nothing to let go.
        }
    }

    private async Task<DecodedPicture> DecodeAsync(PictureFile file, FileKey key, DropFolderOptions folder, CancellationToken stoppingToken)
    {
        await _slots.WaitAsync(stoppingToken).ConfigureAwait(false);
        try
        {
            DropFolderLog.Decoding(logger, folder.Id, file.Name);
            // Tiles and crops need every pixel; otherwise the decode need not be larger than the model's input.
            var picture = detectorOptions.DecodesWholePictures
                ? PictureReader.Read(file.FullPath, 0, 0, maxMegapixels: options.MaxPictureMegapixels)
                : PictureReader.Read(file.FullPath, detector.Manifest.Input.Width, detector.Manifest.Input.Height, maxMegapixels: options.MaxPictureMegapixels);
            return new DecodedPicture(picture, folder.DronePhotos ? PhotoPose(folder, file) : cameras.PoseOf(folder.Id), Clock(folder, picture.CapturedAt, key));
        }
        finally
        {
            _slots.Release();
        }
    }

    /// <summary>A drone photo's own pose; none (no position) when it has none or it cannot be read.</summary>
    private CameraPose? PhotoPose(DropFolderOptions folder, PictureFile file)
    {
        try
        {
            return DjiPhoto.Read(file.FullPath) is { } sample ? TelemetryPose.ToCameraPose(sample) : null;
        }
        catch (InvalidDataException e)
        {
            DropFolderLog.NoPose(logger, folder.Id, file.Name, e.Message);
            return null;
        }
    }

    /// <summary>
    /// EXIF time is the camera's local clock: read in the site's time zone, and judged (a reset or
    /// wrong clock is flagged, once per camera in the log). Without EXIF, the file's time.
    /// </summary>
    private CaptureTime Clock(DropFolderOptions folder, DateTime? exif, FileKey key)
    {
        DateTimeOffset? said = exif is { } local ? new DateTimeOffset(local, cameras.TimeZoneOf(folder.Id).GetUtcOffset(local)) : null;
        var clock = CaptureClock.Judge(said, new DateTimeOffset(key.ModifiedTicks, TimeSpan.Zero), time.GetUtcNow(), cameras.DeployedSince(folder.Id), folder.MaxPictureAge);
        bool first;
        lock (_clockWarned)
        {
            first = clock.Issue is not null && _clockWarned.Add((folder.Id, said is null));
        }

        if (first)
        {
            DropFolderLog.Clock(logger, folder.Id, key.Path, clock.Issue!);
        }

        return clock;
    }
}
