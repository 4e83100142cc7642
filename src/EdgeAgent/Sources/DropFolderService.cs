namespace EdgeAgent.Sources;

using EdgeAgent.Alerting.Geofencing;
using EdgeAgent.Detection;
using EdgeAgent.Hosting;
using EdgeAgent.Recording;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

/// <summary>
/// Reads camera-trap drop folders. A file is taken when complete (unchanged for a while, and a whole
/// picture), handed to the detector, and only counted done when its detections are recorded; the
/// ledger in the record database makes that exactly once across restarts. The folder is the queue:
/// nothing is dropped, the reader simply waits for the detector.
/// </summary>
public sealed partial class DropFolderService(
    IOptions<SourcesOptions> options, IOptions<DetectorOptions> detectorOptions, FrameHub hub, ObservationStore store, CameraRegistry cameras,
    IDetector detector, AgentHealth health, TimeProvider time, ILogger<DropFolderService> logger) : BackgroundService
{
    private const string ProcessedFolder = "processed";

    /// <summary>
    /// Files known to be done and left in place, so a rescan of a folder of thousands does not ask the
    /// database for each. Moved files leave the scan, so they are not kept here.
    /// </summary>
    private readonly HashSet<FileKey> _done = [];

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

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var waitFor = await ScanAsync(folder, root, stoppingToken).ConfigureAwait(false);
                await changed.WaitAsync(waitFor, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // A folder gone missing or a full disk: say so, wait, try again.
                LogScanError(logger, e, folder.Id, root);
                await Task.Delay(options.Value.RescanInterval, time, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Processes every complete new file, oldest first; returns how long to wait before the next scan.</summary>
    private async Task<TimeSpan> ScanAsync(DropFolderOptions folder, string root, CancellationToken stoppingToken)
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

            if (await ProcessAsync(folder, root, file, key, quiet, stoppingToken).ConfigureAwait(false))
            {
                Remember(key, folder);
                MoveIfAsked(folder, root, file);
            }
        }

        return next;
    }

    private async Task<bool> ProcessAsync(DropFolderOptions folder, string root, PictureFile file, FileKey key, TimeSpan quiet, CancellationToken stoppingToken)
    {
        Picture picture;
        try
        {
            // Tiling needs every pixel; otherwise the decode need not be larger than the model's input.
            picture = detectorOptions.Value.Tiling.Enabled
                ? PictureReader.Read(file.FullPath, 0, 0)
                : PictureReader.Read(file.FullPath, detector.Manifest.Input.Width, detector.Manifest.Input.Height);
        }
        catch (PictureException e) when (quiet < folder.GiveUpAfter)
        {
            // Most likely an upload that paused mid-file: try again until GiveUpAfter.
            LogNotYet(logger, folder.Id, file.Name, e.Message);
            return false;
        }
        catch (PictureException e)
        {
            store.Record(folder.Id, time.GetUtcNow(), cameras.PositionOf(folder.Id), [], null, key, e.Message);
            LogFailed(logger, folder.Id, file.Name, e.Message);
            return true;
        }

        AgentMetrics.FramesRead.WithLabels(folder.Id).Inc();
        var capturedAt = CaptureTime(folder.Id, picture.CapturedAt, key);
        using var frame = new Frame(folder.Id, capturedAt, picture.Pixels, picture.Width, picture.Height, picture.DecodeScale, key);
        health.FrameWaiting();
        await hub.EnqueueFileAsync(frame, stoppingToken).ConfigureAwait(false);
        try
        {
            await frame.Done.WaitAsync(stoppingToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogDetectFailed(logger, folder.Id, file.Name, e.Message);
            return false;
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

        if (!store.IsDone(key))
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

    /// <summary>EXIF time is the camera's local clock: read it in the site's time zone. Without EXIF, the file's time.</summary>
    private DateTimeOffset CaptureTime(string sourceId, DateTime? exif, FileKey key)
    {
        if (exif is { } local)
        {
            var zone = cameras.TimeZoneOf(sourceId);
            return new DateTimeOffset(local, zone.GetUtcOffset(local));
        }

        return new DateTimeOffset(key.ModifiedTicks, TimeSpan.Zero);
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Drop folder {Source}: watching {Folder}")]
    private static partial void LogWatching(ILogger logger, string source, string folder);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Drop folder {Source}: {File} not complete yet ({Reason})")]
    private static partial void LogNotYet(ILogger logger, string source, string file, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Drop folder {Source}: {File} is not a usable picture: {Reason}")]
    private static partial void LogFailed(ILogger logger, string source, string file, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Drop folder {Source}: detection failed for {File}, will retry: {Reason}")]
    private static partial void LogDetectFailed(ILogger logger, string source, string file, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Drop folder {Source}: {Problem}")]
    private static partial void LogProblem(ILogger logger, string source, string problem);

    [LoggerMessage(Level = LogLevel.Error, Message = "Drop folder {Source} ({Folder}) scan failed; retrying")]
    private static partial void LogScanError(ILogger logger, Exception exception, string source, string folder);
}
