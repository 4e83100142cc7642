namespace EdgeAgent.Jobs;

using System.Threading.Channels;
using EdgeAgent.Alerting.Observations;
using EdgeAgent.Detection;
using EdgeAgent.Sources;

/// <summary>What became of one picture of a batch.</summary>
/// <param name="File">The picture.</param>
/// <param name="Width">Its width in the file; 0 when it failed.</param>
/// <param name="Height">Its height in the file; 0 when it failed.</param>
/// <param name="DateTimeOriginal">EXIF capture time, if any.</param>
/// <param name="Detections">Detections in file pixels; empty when it failed.</param>
/// <param name="Failure">Why it could not be processed, or null.</param>
public sealed record PictureOutcome(
    PictureFile File, int Width, int Height, string? DateTimeOriginal, IReadOnlyList<Detection> Detections, string? Failure);

/// <summary>How many threads decode and how many run the detector.</summary>
public sealed record PipelineOptions
{
    /// <summary>Threads that read and decode pictures.</summary>
    public int DecodeWorkers { get; init; } = 1;

    /// <summary>Threads that run the detector, each on its own picture.</summary>
    public int DetectWorkers { get; init; } = 1;
}

/// <summary>
/// Decodes pictures on several threads while one thread keeps the detector busy. Decoding a large
/// camera-trap JPEG costs about as much as inference, so overlapping the two is where a two-core
/// machine gets its speed. Hand-offs are bounded: at most a few decoded pictures wait in memory.
/// </summary>
public sealed class PictureBatchPipeline(IDetector detector, float minConfidence, PipelineOptions options, int minDecodeWidth, int minDecodeHeight)
{
    /// <summary>Runs every picture through decode and detection; <paramref name="onOutcome"/> is called from one thread at a time.</summary>
    public async Task RunAsync(IReadOnlyList<PictureFile> pictures, Action<PictureOutcome> onOutcome, StageTimings? timings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pictures);
        ArgumentNullException.ThrowIfNull(onOutcome);
        ArgumentNullException.ThrowIfNull(options);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var token = stop.Token;
        var decodeWorkers = Math.Max(1, options.DecodeWorkers);
        var detectWorkers = Math.Max(1, options.DetectWorkers);
        var decoded = Channel.CreateBounded<(PictureFile File, Picture? Picture, string? Failure)>(
            new BoundedChannelOptions(decodeWorkers + detectWorkers) { SingleReader = detectWorkers == 1 });
        var outcomeLock = new Lock();

        var next = -1;
        var decoders = Enumerable.Range(0, decodeWorkers).Select(_ => Task.Run(
            async () =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < pictures.Count)
                {
                    token.ThrowIfCancellationRequested();
                    var file = pictures[i];
                    try
                    {
                        var picture = PictureReader.Read(file.FullPath, minDecodeWidth, minDecodeHeight, timings);
                        await decoded.Writer.WriteAsync((file, picture, null), token).ConfigureAwait(false);
                    }
                    catch (PictureException e)
                    {
                        await decoded.Writer.WriteAsync((file, null, e.Message), token).ConfigureAwait(false);
                    }
                }
            },
            token)).ToArray();

        var closer = Task.WhenAll(decoders).ContinueWith(t => decoded.Writer.TryComplete(t.Exception), TaskScheduler.Default);

        // Detection runs on threads of its own: inference blocks (ONNX Runtime, or a gRPC call to
        // Triton), and blocked pool threads would starve the decoders and gRPC's own I/O.
        var detecting = Task.WhenAll(Enumerable.Range(0, detectWorkers).Select(_ => RunOnThread(() =>
        {
            while (decoded.Reader.WaitToReadAsync(token).AsTask().GetAwaiter().GetResult())
            {
                while (decoded.Reader.TryRead(out var item))
                {
                    var outcome = item.Picture is null
                        ? new PictureOutcome(item.File, 0, 0, null, [], item.Failure)
                        : Detect(item.File, item.Picture, timings);
                    lock (outcomeLock)
                    {
                        onOutcome(outcome);
                    }
                }
            }
        })));

        try
        {
            await detecting.ConfigureAwait(false);
        }
        catch
        {
            // Decoders blocked on a full hand-off would otherwise wait for ever.
            await stop.CancelAsync().ConfigureAwait(false);
            throw;
        }

        await closer.ConfigureAwait(false);
        await Task.WhenAll(decoders).ConfigureAwait(false);
    }

    private static Task RunOnThread(Action work)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                work();
                done.SetResult();
            }
            catch (Exception e)
            {
                done.SetException(e);
            }
        })
        { IsBackground = true, Name = "detector" };
        thread.Start();
        return done.Task;
    }

    private PictureOutcome Detect(PictureFile file, Picture picture, StageTimings? timings)
    {
        using (picture)
        {
            try
            {
                var detections = detector.Detect(picture.Pixels, minConfidence, timings);
                var inFilePixels = picture.DecodeScale == 1f
                    ? detections
                    : detections.Select(d => d with { Box = d.Box.Scale(picture.DecodeScale).ClipTo(picture.Width, picture.Height) }).ToList();
                return new PictureOutcome(file, picture.Width, picture.Height, picture.DateTimeOriginal, inFilePixels, null);
            }
            catch (Exception e) when (e is Microsoft.ML.OnnxRuntime.OnnxRuntimeException or OpenCvSharp.OpenCVException)
            {
                return new PictureOutcome(file, picture.Width, picture.Height, picture.DateTimeOriginal, [], $"detection failed: {e.Message}");
            }
        }
    }
}
