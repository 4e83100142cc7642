namespace EdgeAgent.Jobs;

using System.Collections.Concurrent;
using System.Threading.Channels;
using EdgeAgent.Common.Observations;
using EdgeAgent.Detection;
using EdgeAgent.Pipeline;
using EdgeAgent.Recording;
using EdgeAgent.Sources;

/// <summary>What became of one picture of a batch.</summary>
/// <param name="File">The picture.</param>
/// <param name="Width">Its width in the file; 0 when it failed.</param>
/// <param name="Height">Its height in the file; 0 when it failed.</param>
/// <param name="DateTimeOriginal">EXIF capture time, if any.</param>
/// <param name="Detections">Detections in file pixels that are objects; empty when it failed.</param>
/// <param name="Failure">Why it could not be processed, or null.</param>
public sealed record PictureOutcome(
    PictureFile File, int Width, int Height, string? DateTimeOriginal, IReadOnlyList<Detection> Detections, string? Failure)
{
    /// <summary>Detections set aside by post-processing, with their reason.</summary>
    public IReadOnlyList<SuppressedDetection> Suppressed { get; init; } = [];
}

/// <summary>How many threads decode and how many run the detector.</summary>
public sealed record PipelineOptions
{
    /// <summary>Threads that read and decode pictures; 0 sizes them from the cores and where inference runs (<see cref="PictureReader.DecodeWorkersFor(bool, int)"/>).</summary>
    public int DecodeWorkers { get; init; }

    /// <summary>Threads that run the detector, each on its own picture.</summary>
    public int DetectWorkers { get; init; } = 1;

    /// <summary>Larger pictures are decoded reduced (JPEG) or refused.</summary>
    public int MaxMegapixels { get; init; } = PictureReader.DefaultMaxMegapixels;
}

/// <summary>
/// <c>detect</c> and <c>bench</c>: decodes pictures on several threads while the detector workers —
/// the same stage the daemon runs, through the same frame hand-off — keep the detector busy, and one
/// more thread post-processes their results as the daemon's observation stage does (masks, information
/// bands) and hands them on. Decoding a large camera-trap JPEG costs about as much as inference, so
/// overlapping the two is where a two-core machine gets its speed. Hand-offs are bounded: at most a
/// few decoded pictures wait in memory.
/// </summary>
/// <param name="detector">The one detector, as <c>run</c> builds it.</param>
/// <param name="confidence">What the detector is asked for.</param>
/// <param name="options">Thread counts and the picture-size limit.</param>
/// <param name="minDecodeWidth">Pictures are decoded no smaller than this …</param>
/// <param name="minDecodeHeight">… and this.</param>
/// <param name="maskFor">The mask of the camera a picture came from, when masks are used.</param>
public sealed class PictureBatchPipeline(
    IDetector detector, ConfidencePolicy confidence, PipelineOptions options, int minDecodeWidth, int minDecodeHeight, Func<PictureFile, DetectionMask>? maskFor = null)
{
    /// <summary>Share of the detector workers' busy time spent in inference, after a run.</summary>
    public double InferenceShare { get; private set; } = 1;

    /// <summary>Runs every picture through decode and detection; <paramref name="onOutcome"/> is called from one thread at a time.</summary>
    public async Task RunAsync(IReadOnlyList<PictureFile> pictures, Action<PictureOutcome> onOutcome, StageTimings? timings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pictures);
        ArgumentNullException.ThrowIfNull(onOutcome);
        ArgumentNullException.ThrowIfNull(options);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var token = stop.Token;
        var detectWorkers = Math.Max(1, options.DetectWorkers);
        var decodeWorkers = PictureReader.DecodeWorkersFor(detector.InfersOffCpu, options.DecodeWorkers);
        var hub = new FrameHub(fileCapacity: decodeWorkers + detectWorkers);
        var decodedFrom = new ConcurrentDictionary<Frame, (PictureFile File, string? DateTimeOriginal)>(ReferenceEqualityComparer.Instance);
        var outcomeLock = new Lock();
        var remaining = pictures.Count;
        void Report(PictureOutcome outcome)
        {
            // Decoders report their failures, the post-processing thread the rest: one at a time.
            lock (outcomeLock)
            {
                onOutcome(outcome);
            }

            if (Interlocked.Decrement(ref remaining) == 0)
            {
                stop.Cancel();
            }
        }

        if (pictures.Count == 0)
        {
            return;
        }

        var next = -1;
        var decoders = Enumerable.Range(0, decodeWorkers).Select(_ => Task.Run(
            async () =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < pictures.Count)
                {
                    token.ThrowIfCancellationRequested();
                    var file = pictures[i];
                    Picture picture;
                    try
                    {
                        picture = PictureReader.Read(file.FullPath, minDecodeWidth, minDecodeHeight, timings, options.MaxMegapixels);
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        // Whatever the decoder throws (OpenCV included) is this picture's failure, not the run's.
                        Report(new PictureOutcome(file, 0, 0, null, [], e is PictureException ? e.Message : $"cannot be decoded: {e.Message}"));
                        continue;
                    }

                    var frame = new Frame(file.Name, default, picture.Pixels, picture.Width, picture.Height, picture.DecodeScale);
                    decodedFrom[frame] = (file, picture.DateTimeOriginal);
                    await hub.EnqueueFileAsync(frame, token).ConfigureAwait(false);
                }
            },
            token)).ToArray();

        // The workers only detect: a slot bounds the results waiting here, and this one thread post-processes them.
        var results = Channel.CreateUnbounded<DetectedFrame>(new UnboundedChannelOptions { SingleReader = true });
        using var slots = new SemaphoreSlim(detectWorkers + 1);
        var workers = new DetectorWorkers(detector, confidence, timings);
        var detecting = workers.RunAsync(detectWorkers, hub, detected => results.Writer.TryWrite(detected), token, slots)
            .ContinueWith(_ => results.Writer.TryComplete(), TaskScheduler.Default);
        var postProcessing = Task.Run(
            async () =>
            {
                try
                {
                    await PostProcessAsync().ConfigureAwait(false);
                }
                catch
                {
                    // A results file that cannot be written (a full disk): stop the decoders and the
                    // workers, which would otherwise wait for this thread for ever.
                    await stop.CancelAsync().ConfigureAwait(false);
                    throw;
                }
            },
            CancellationToken.None);

        async Task PostProcessAsync()
        {
            // The pictures of one folder are taken to be one camera's, for the band's evidence from picture to picture.
            var bandEvidence = new Dictionary<string, BandEvidence>(StringComparer.Ordinal);
            await foreach (var detected in results.Reader.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
            {
                slots.Release();
                using var frame = detected.Frame;
                decodedFrom.TryRemove(frame, out var from);
                if (detected.Failure is not null)
                {
                    Report(new PictureOutcome(from.File, frame.Width, frame.Height, from.DateTimeOriginal, [], detected.Failure));
                    continue;
                }

                var folder = Path.GetDirectoryName(from.File.FullPath) ?? "";
                if (!bandEvidence.TryGetValue(folder, out var evidence))
                {
                    bandEvidence[folder] = evidence = new BandEvidence();
                }

                var post = PicturePostProcessor.Apply(detected.Detections, frame.Pixels, frame.Width, frame.Height, maskFor?.Invoke(from.File) ?? DetectionMask.None, bandEvidence: evidence);
                Report(new PictureOutcome(from.File, frame.Width, frame.Height, from.DateTimeOriginal, post.Kept, null) { Suppressed = post.Suppressed });
            }
        }

        try
        {
            await Task.WhenAll(decoders).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            // Every picture is done: the last decoders saw the stop.
        }
        finally
        {
            if (cancellationToken.IsCancellationRequested)
            {
                await stop.CancelAsync().ConfigureAwait(false);
            }

            await detecting.ConfigureAwait(false);
            await postProcessing.ConfigureAwait(false);
            InferenceShare = workers.InferenceShare;
        }

        cancellationToken.ThrowIfCancellationRequested();
    }
}
