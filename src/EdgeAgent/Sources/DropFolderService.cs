namespace EdgeAgent.Sources;

using System.Threading.Channels;
using EdgeAgent.Alerting.Geofencing;
using EdgeAgent.Common.Observations;
using EdgeAgent.Detection;
using EdgeAgent.Hosting;
using EdgeAgent.Telemetry;
using EdgeAgent.Telemetry.Dji;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

/// <summary>
/// Reads camera-trap drop folders. A file is taken when complete (unchanged for a while, and a whole
/// picture), decoded — several at a time, handed on in order — and only counted done when the write
/// stage has committed its record; the ledger in the database makes that exactly once across
/// restarts. The folder is the queue: nothing is dropped, the reader simply waits for the detector.
/// </summary>
public sealed partial class DropFolderService(
    IOptions<SourcesOptions> options, IOptions<DetectorOptions> detectorOptions, FrameHub hub, IPictureLedger ledger,
    CameraRegistry cameras, IDetector detector, AgentHealth health, TimeProvider time, ILogger<DropFolderService> logger) : BackgroundService
{
    /// <summary>Where a folder's pictures go when they are moved once done.</summary>
    public const string ProcessedFolder = "processed";

    /// <summary>
    /// Files known to be done and left in place, so a rescan of a folder of thousands does not ask the
    /// database for each. Moved files leave the scan, so they are not kept here.
    /// </summary>
    private readonly HashSet<FileKey> _done = [];

    /// <summary>Cameras whose clock was warned about (without EXIF time, or wrong): once each, not for every picture.</summary>
    private readonly HashSet<(string Source, bool NoExif)> _clockWarned = [];

    /// <summary>Files on their way through the pipeline: a rescan must not take them again.</summary>
    private readonly HashSet<FileKey> _inFlight = [];

    private readonly int _decodeWorkers = PictureReader.DecodeWorkersFor(detector.InfersOffCpu, options.Value.DecodeWorkers);

    private readonly SemaphoreSlim _decoders = new(PictureReader.DecodeWorkersFor(detector.InfersOffCpu, options.Value.DecodeWorkers));

    /// <summary>Pictures being decoded now (native work that must not outlive the stage).</summary>
    internal int DecodesRunning => _decodeWorkers - _decoders.CurrentCount;

    /// <inheritdoc />
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(options.Value.DropFolders.Select(f => Task.Run(() => WatchAsync(f, stoppingToken), stoppingToken)));

    private async Task WatchAsync(DropFolderOptions folder, CancellationToken stoppingToken)
    {
        var root = Path.GetFullPath(folder.Path);
        using var changed = new SemaphoreSlim(0, 1);
        void Ring(object? _, FileSystemEventArgs __)
        {
            if (changed.CurrentCount == 0)
            {
                try
                {
                    changed.Release();
                }
                catch (SemaphoreFullException)
                {
                }
            }
        }

        using var watcher = new FileSystemWatcher(root) { IncludeSubdirectories = true, NotifyFilter = NotifyFilters.FileName | NotifyFilters.Size | NotifyFilters.LastWrite };
        watcher.Created += Ring;
        watcher.Changed += Ring;
        watcher.Renamed += Ring;
        watcher.EnableRaisingEvents = true;
        health.Report(folder.Id, SourceState.Up, root);
        AgentMetrics.SourceUp.WithLabels(folder.Id).Set(1);
        LogWatching(logger, folder.Id, root);

        // Decodes run ahead of the hand-off, several at a time, and are handed on in the order they were started.
        var decoding = Channel.CreateBounded<Decoding>(new BoundedChannelOptions(_decodeWorkers + 1) { SingleReader = true, SingleWriter = true });
        var forwarding = Task.Run(() => ForwardAsync(folder, root, decoding.Reader, stoppingToken), CancellationToken.None);
        string? lastError = null;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    var waitFor = await ScanAsync(folder, root, decoding.Writer, stoppingToken).ConfigureAwait(false);
                    health.Report(folder.Id, SourceState.Up, root);
                    lastError = null;
                    await changed.WaitAsync(waitFor, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception e)
                {
                    // A folder gone missing or a full disk: say so — health too — wait, try again.
                    if (lastError != e.Message)
                    {
                        LogScanError(logger, folder.Id, root, e.Message);
                        lastError = e.Message;
                    }

                    health.Report(folder.Id, SourceState.Failed, e.Message);
                    AgentMetrics.SourceUp.WithLabels(folder.Id).Set(0);
                    await Task.Delay(options.Value.RescanInterval, time, stoppingToken).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            decoding.Writer.TryComplete();
            await forwarding.ConfigureAwait(false);
        }
    }

    /// <summary>Starts decoding every complete new file, oldest first; returns how long to wait before the next scan.</summary>
    private async Task<TimeSpan> ScanAsync(DropFolderOptions folder, string root, ChannelWriter<Decoding> decoding, CancellationToken stoppingToken)
    {
        var next = options.Value.RescanInterval;
        var processed = Path.Combine(root, ProcessedFolder);
        var files = PictureFiles.Find([root], recursive: true, problem => LogProblem(logger, folder.Id, problem), path => path == processed)
            .Select(f => (File: f, Info: new FileInfo(f.FullPath)))
            .Where(f => f.Info.Exists)
            .OrderBy(f => f.Info.LastWriteTimeUtc)
            .ToList();
        foreach (var (file, info) in files)
        {
            stoppingToken.ThrowIfCancellationRequested();
            var key = new FileKey(folder.Id, file.Name, info.Length, info.LastWriteTimeUtc.Ticks);
            lock (_inFlight)
            {
                if (_inFlight.Contains(key))
                {
                    continue;
                }
            }

            if (IsDone(key, folder))
            {
                MoveIfAsked(folder, root, file);
                continue;
            }

            var quiet = time.GetUtcNow() - info.LastWriteTimeUtc;
            if (quiet < folder.StableFor)
            {
                // Still being written: look again once it has been quiet long enough.
                next = TimeSpan.FromTicks(Math.Min(next.Ticks, (folder.StableFor - quiet).Ticks + TimeSpan.FromMilliseconds(50).Ticks));
                continue;
            }

            lock (_inFlight)
            {
                _inFlight.Add(key);
            }

            var decode = Task.Run(() => Decode(file, folder, stoppingToken), CancellationToken.None);
            try
            {
                await decoding.WriteAsync(new Decoding(file, key, quiet, decode), stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Stopping before the decode was handed on: it must not outlive the stage (OpenCV's
                // native code running while the process exits crashes it).
                await Discard(decode).ConfigureAwait(false);
                throw;
            }
        }

        return next;
    }

    private async Task<(Picture Picture, CameraPose? Pose)> Decode(PictureFile file, DropFolderOptions folder, CancellationToken stoppingToken)
    {
        // Once the stop has begun, a decode that has not started never starts.
        await _decoders.WaitAsync(stoppingToken).ConfigureAwait(false);
        try
        {
            LogDecoding(logger, folder.Id, file.Name);
            // Tiles and crops need every pixel; otherwise the decode need not be larger than the model's input.
            var picture = detectorOptions.Value.DecodesWholePictures
                ? PictureReader.Read(file.FullPath, 0, 0, maxMegapixels: options.Value.MaxPictureMegapixels)
                : PictureReader.Read(file.FullPath, detector.Manifest.Input.Width, detector.Manifest.Input.Height, maxMegapixels: options.Value.MaxPictureMegapixels);
            return (picture, folder.DronePhotos ? PhotoPose(file) : cameras.PoseOf(folder.Id));
        }
        finally
        {
            _decoders.Release();
        }
    }

    /// <summary>A drone photo's own pose; none (no position) when it has none or it cannot be read.</summary>
    private CameraPose? PhotoPose(PictureFile file)
    {
        try
        {
            return DjiPhoto.Read(file.FullPath) is { } sample ? TelemetryPose.ToCameraPose(sample) : null;
        }
        catch (InvalidDataException e)
        {
            LogProblem(logger, file.Name, $"no pose: {e.Message}");
            return null;
        }
    }

    /// <summary>Hands decoded pictures to the detector in scan order; a file is finished when its record is committed.</summary>
    private async Task ForwardAsync(DropFolderOptions folder, string root, ChannelReader<Decoding> decoding, CancellationToken stoppingToken)
    {
        var pose = cameras.PoseOf(folder.Id);
        await foreach (var (file, key, quiet, picture) in decoding.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
        {
            if (stoppingToken.IsCancellationRequested)
            {
                // Not handed on, so not half-done: taken again at the next start. Its decode is
                // waited for, so that no native decode outlives the stage.
                await Discard(picture).ConfigureAwait(false);
                continue;
            }

            Frame frame;
            try
            {
                var (decoded, picturePose) = await picture.ConfigureAwait(false);
                AgentMetrics.FramesRead.WithLabels(folder.Id).Inc();
                var clock = Clock(folder, decoded.CapturedAt, key);
                frame = new Frame(folder.Id, clock.At, decoded.Pixels, decoded.Width, decoded.Height, decoded.DecodeScale, key, picturePose)
                {
                    Clock = clock.Issue is null ? null : clock,
                };
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                // The stop began before this picture's decode did: taken again at the next start.
                continue;
            }
            catch (PictureException e) when (!e.Final && quiet < folder.GiveUpAfter)
            {
                // Most likely an upload that paused mid-file: try again until GiveUpAfter.
                LogNotYet(logger, folder.Id, file.Name, e.Message);
                Release(key);
                continue;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Whatever the decoder threw, this picture failed; the folder goes on. Its failure
                // takes the same path as a picture (so it is recorded in its turn, exactly once).
                LogFailed(logger, folder.Id, file.Name, e.Message);
                frame = new Frame(folder.Id, time.GetUtcNow(), new OpenCvSharp.Mat(), 0, 0, 1f, key, pose) { Failure = e.Message };
            }

            _ = Finish(folder, root, file, frame);
            try
            {
                health.FrameWaiting();
                await hub.EnqueueFileAsync(frame, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                frame.Dispose();
            }
        }
    }

    /// <summary>Once the frame's record is committed: remember the file and move it if asked.</summary>
    private async Task Finish(DropFolderOptions folder, string root, PictureFile file, Frame frame)
    {
        var key = frame.File!.Value;
        await frame.Done.ConfigureAwait(false);
        Remember(key, folder);
        MoveIfAsked(folder, root, file);
        Release(key);
    }

    private void Release(FileKey key)
    {
        lock (_inFlight)
        {
            _inFlight.Remove(key);
        }
    }

    private bool IsDone(FileKey key, DropFolderOptions folder)
    {
        lock (_done)
        {
            if (_done.Contains(key))
            {
                return true;
            }
        }

        if (!ledger.IsDone(key))
        {
            return false;
        }

        Remember(key, folder);
        return true;
    }

    private void Remember(FileKey key, DropFolderOptions folder)
    {
        if (folder.AfterProcessing == AfterProcessing.Move)
        {
            return;
        }

        lock (_done)
        {
            _done.Add(key);
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
        if (clock.Issue is { } issue && _clockWarned.Add((folder.Id, said is null)))
        {
            LogClock(logger, folder.Id, key.Path, issue);
        }

        return clock;
    }

    private void MoveIfAsked(DropFolderOptions folder, string root, PictureFile file)
    {
        if (folder.AfterProcessing != AfterProcessing.Move)
        {
            return;
        }

        var target = Path.GetFullPath(Path.Combine(root, ProcessedFolder, file.Name));
        if (!target.StartsWith(Path.Combine(root, ProcessedFolder) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            return;
        }

        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Move(file.FullPath, target, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            LogProblem(logger, folder.Id, $"cannot move {file.Name} to {ProcessedFolder}/: {e.Message}");
        }
    }

    private sealed record Decoding(PictureFile File, FileKey Key, TimeSpan Quiet, Task<(Picture Picture, CameraPose? Pose)> Picture);

    /// <summary>Waits for a decode that will not be used, whatever became of it, and lets its pixels go.</summary>
    private static async Task Discard(Task<(Picture Picture, CameraPose? Pose)> decode)
    {
        try
        {
            var (picture, _) = await decode.ConfigureAwait(false);
            picture.Dispose();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Never started, or failed: nothing to let go.
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Drop folder {Source}: {File}: {Issue} (said once per camera; each such picture is flagged in the records)")]
    private static partial void LogClock(ILogger logger, string source, string file, string issue);

    [LoggerMessage(Level = LogLevel.Information, Message = "Drop folder {Source}: watching {Folder}")]
    private static partial void LogWatching(ILogger logger, string source, string folder);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Drop folder {Source}: decoding {File}")]
    private static partial void LogDecoding(ILogger logger, string source, string file);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Drop folder {Source}: {File} not complete yet ({Reason})")]
    private static partial void LogNotYet(ILogger logger, string source, string file, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Drop folder {Source}: {File} is not a usable picture: {Reason}")]
    private static partial void LogFailed(ILogger logger, string source, string file, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Drop folder {Source}: {Problem}")]
    private static partial void LogProblem(ILogger logger, string source, string problem);

    [LoggerMessage(Level = LogLevel.Error, Message = "Drop folder {Source} ({Folder}) cannot be scanned: {Reason}; trying again every rescan interval")]
    private static partial void LogScanError(ILogger logger, string source, string folder, string reason);
}
