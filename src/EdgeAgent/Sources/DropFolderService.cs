namespace EdgeAgent.Sources;

using System.Threading.Channels;
using EdgeAgent.Alerting.Geofencing;
using EdgeAgent.Detection;
using EdgeAgent.Hosting;

/// <summary>
/// Reads camera-trap drop folders. A file is taken when complete (unchanged for a while, and a whole
/// picture), decoded — several at a time (<see cref="DropFolderDecoder"/>), handed on in scan order —
/// and only counted done when the write stage has committed its record (<see cref="ProcessedFiles"/>);
/// the ledger in the database makes that exactly once across restarts. The folder is the queue:
/// nothing is dropped, the reader simply waits for the detector.
/// </summary>
public sealed class DropFolderService(
    IOptions<SourcesOptions> options, IOptions<DetectorOptions> detectorOptions, FrameHub hub, IPictureLedger ledger,
    CameraRegistry cameras, IDetector detector, AgentHealth health, TimeProvider time, ILogger<DropFolderService> logger) : BackgroundService
{
    /// <summary>Where a folder's pictures go when they are moved once done.</summary>
    public const string ProcessedFolder = ProcessedFiles.Folder;

    private readonly DropFolderDecoder _decoder = new(options.Value, detectorOptions.Value, detector, cameras, time, logger);

    /// <summary>Pictures being decoded now (native work that must not outlive the stage).</summary>
    internal int DecodesRunning => _decoder.Running;

    /// <inheritdoc />
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(options.Value.DropFolders.Select(f => Task.Run(() => WatchAsync(f, stoppingToken), stoppingToken)));

    private async Task WatchAsync(DropFolderOptions folder, CancellationToken stoppingToken)
    {
        var root = Path.GetFullPath(folder.Path);
        var files = new ProcessedFiles(folder, root, ledger, problem => DropFolderLog.Problem(logger, folder.Id, problem));
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
        DropFolderLog.Watching(logger, folder.Id, root);

        // Decodes run ahead of the hand-off, several at a time, and are handed on in the order they were started.
        var decoding = Channel.CreateBounded<Decoding>(new BoundedChannelOptions(_decoder.Workers + 1) { SingleReader = true, SingleWriter = true });
        var forwarding = Task.Run(() => ForwardAsync(folder, files, decoding.Reader, stoppingToken), CancellationToken.None);
        string? lastError = null;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    var waitFor = await ScanAsync(folder, root, files, decoding.Writer, stoppingToken).ConfigureAwait(false);
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
                        DropFolderLog.ScanError(logger, folder.Id, root, e.Message);
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
    private async Task<TimeSpan> ScanAsync(DropFolderOptions folder, string root, ProcessedFiles files, ChannelWriter<Decoding> decoding, CancellationToken stoppingToken)
    {
        var next = options.Value.RescanInterval;
        var found = PictureFiles.Find([root], recursive: true, problem => DropFolderLog.Problem(logger, folder.Id, problem), path => path == files.ProcessedPath)
            .Select(f => (File: f, Info: new FileInfo(f.FullPath)))
            .Where(f => f.Info.Exists)
            .OrderBy(f => f.Info.LastWriteTimeUtc)
            .ToList();
        foreach (var (file, info) in found)
        {
            stoppingToken.ThrowIfCancellationRequested();
            var key = new FileKey(folder.Id, file.Name, info.Length, info.LastWriteTimeUtc.Ticks);
            if (files.InFlight(key))
            {
                continue;
            }

            if (files.IsDone(key))
            {
                files.MoveIfAsked(file);
                continue;
            }

            var quiet = time.GetUtcNow() - info.LastWriteTimeUtc;
            if (quiet < folder.StableFor)
            {
                // Still being written: look again once it has been quiet long enough.
                next = TimeSpan.FromTicks(Math.Min(next.Ticks, (folder.StableFor - quiet).Ticks + TimeSpan.FromMilliseconds(50).Ticks));
                continue;
            }

            files.Take(key);
            var decode = _decoder.Start(file, key, folder, stoppingToken);
            try
            {
                await decoding.WriteAsync(new Decoding(file, key, quiet, decode), stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Stopping before the decode was handed on: it must not outlive the stage (OpenCV's
                // native code running while the process exits crashes it).
                await DropFolderDecoder.Discard(decode).ConfigureAwait(false);
                throw;
            }
        }

        return next;
    }

    /// <summary>Hands decoded pictures to the detector in scan order; a file is finished when its record is committed.</summary>
    private async Task ForwardAsync(DropFolderOptions folder, ProcessedFiles files, ChannelReader<Decoding> decoding, CancellationToken stoppingToken)
    {
        var pose = cameras.PoseOf(folder.Id);
        await foreach (var (file, key, quiet, picture) in decoding.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
        {
            if (stoppingToken.IsCancellationRequested)
            {
                // Not handed on, so not half-done: taken again at the next start. Its decode is
                // waited for, so that no native decode outlives the stage.
                await DropFolderDecoder.Discard(picture).ConfigureAwait(false);
                continue;
            }

            Frame frame;
            try
            {
                var (decoded, picturePose, clock) = await picture.ConfigureAwait(false);
                AgentMetrics.FramesRead.WithLabels(folder.Id).Inc();
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
                DropFolderLog.NotYet(logger, folder.Id, file.Name, e.Message);
                files.Release(key);
                continue;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Whatever the decoder threw, this picture failed; the folder goes on. Its failure
                // takes the same path as a picture (so it is recorded in its turn, exactly once).
                DropFolderLog.Failed(logger, folder.Id, file.Name, e.Message);
                frame = new Frame(folder.Id, time.GetUtcNow(), new OpenCvSharp.Mat(), 0, 0, 1f, key, pose) { Failure = e.Message };
            }

            _ = FinishWhenCommitted(files, file, frame);
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

    private static async Task FinishWhenCommitted(ProcessedFiles files, PictureFile file, Frame frame)
    {
        await frame.Done.ConfigureAwait(false);
        files.Finished(frame.File!.Value, file);
    }

    private sealed record Decoding(PictureFile File, FileKey Key, TimeSpan Quiet, Task<DecodedPicture> Picture);
}
