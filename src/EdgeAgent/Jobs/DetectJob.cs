namespace EdgeAgent.Jobs;

using System.Diagnostics;
using System.Globalization;
using EdgeAgent.Common.Observations;
using EdgeAgent.Detection;
using EdgeAgent.Pipeline;
using EdgeAgent.Recording;
using EdgeAgent.Sources;

/// <summary>What a <c>detect</c> run did.</summary>
public sealed record DetectSummary(
    int Pictures, int Resumed, int Failures, IReadOnlyDictionary<DetectionCategory, IReadOnlyDictionary<string, int>> Detections,
    int SuppressedRepeats, int SuppressedMasked, double PicturesPerSecond, IReadOnlyList<string> Problems)
{
    /// <summary>Detections that lay mostly on a picture's burned-in information band.</summary>
    public int SuppressedOverlay { get; init; }

    /// <summary>Animals per taxon they were named as (its classification category's name).</summary>
    public IReadOnlyDictionary<string, int> Taxa { get; init; } = new Dictionary<string, int>();
}

/// <summary>
/// The <c>detect</c> verb: runs the detector over folders of camera-trap pictures and writes
/// MegaDetector-format results, resuming from an earlier results file and checkpointing as it goes.
/// </summary>
public sealed partial class DetectJob(ILoggerFactory loggerFactory, TextWriter progress)
{
    /// <summary>Longest side of annotated pictures: enough to see an animal, small enough to mail.</summary>
    private const int AnnotatedLongSide = 1280;

    /// <summary>Results are also saved at least this often, whatever the picture count.</summary>
    private static readonly TimeSpan CheckpointInterval = TimeSpan.FromSeconds(30);

    private readonly ILogger _logger = loggerFactory.CreateLogger<DetectJob>();

    /// <summary>Runs the job. Configuration mistakes throw <see cref="ConfigurationException"/> before any picture is read.</summary>
    public async Task<DetectSummary> RunAsync(DetectRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var detector = DetectorFactory.Create(request.Detector, loggerFactory);
        var manifest = detector.Manifest;
        var masks = request.MasksFile is null ? new Dictionary<string, DetectionMask>() : DetectionMask.LoadFile(request.MasksFile);
        var results = File.Exists(request.OutputPath) ? MegaDetectorResults.Load(request.OutputPath, "so the run cannot resume from it (remove it or choose another --output)") : new MegaDetectorResults();

        var problems = new List<string>();
        var all = PictureFiles.Find(request.Inputs, request.Recursive, p =>
        {
            problems.Add(p);
            LogProblem(_logger, p);
        });

        // A picture that failed before is tried again: the upload may have completed since.
        results.Images.RemoveAll(i => i.Failure is not null);
        var done = results.Images.Select(i => i.File).ToHashSet(StringComparer.Ordinal);
        var todo = all.Where(p => !done.Contains(p.Name)).ToList();
        var resumed = all.Count - todo.Count;
        if (resumed > 0)
        {
            LogResuming(_logger, resumed, request.OutputPath);
        }

        results.Info = new ResultsInfo
        {
            Detector = manifest.Name,
            DetectorMetadata = new DetectorMetadata
            {
                TypicalDetectionThreshold = manifest.Thresholds.Typical,
                ConservativeDetectionThreshold = manifest.Thresholds.Conservative,
            },
        };

        // Tiles and crops need every pixel; otherwise decode no larger than the model input needs.
        var (minWidth, minHeight) = request.Detector.DecodesWholePictures ? (0, 0) : (manifest.Input.Width, manifest.Input.Height);
        var pipeline = new PictureBatchPipeline(
            detector, ConfidencePolicy.For(manifest, request.Threshold), request.Pipeline, minWidth, minHeight,
            file => masks.GetValueOrDefault(file.Camera) ?? masks.GetValueOrDefault("*") ?? DetectionMask.None);
        var bar = new ProgressBar(progress, todo.Count);
        var sinceCheckpoint = 0;
        var lastCheckpoint = Stopwatch.StartNew();
        var stopwatch = Stopwatch.StartNew();
        try
        {
            await pipeline.RunAsync(
                todo,
                outcome =>
                {
                    results.Images.Add(ToImageResult(outcome, results));
                    bar.Advance();
                    if (++sinceCheckpoint >= request.CheckpointEvery || lastCheckpoint.Elapsed >= CheckpointInterval)
                    {
                        sinceCheckpoint = 0;
                        lastCheckpoint.Restart();
                        Save(results, request);
                    }
                },
                timings: null,
                cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Ctrl-C or SIGTERM: keep every picture done so far, so the next run resumes after it.
            bar.Finish();
            Save(results, request);
            LogStopped(_logger, results.Images.Count, request.OutputPath);
            throw;
        }

        stopwatch.Stop();
        bar.Finish();

        results.Images.Sort((a, b) => string.CompareOrdinal(a.File, b.File));
        var repeats = Save(results, request);
        if (request.AnnotatedFolder is not null)
        {
            WriteAnnotated(results, all, request.AnnotatedFolder, cancellationToken);
        }

        return Summarize(results, todo.Count, resumed, repeats, stopwatch.Elapsed, problems);
    }

    private static ImageResult ToImageResult(PictureOutcome outcome, MegaDetectorResults results)
    {
        if (outcome.Failure is not null)
        {
            return new ImageResult { File = outcome.File.Name, Failure = outcome.Failure, Datetime = outcome.DateTimeOriginal };
        }

        ImageDetection Entry(Detection detection)
        {
            var entry = ImageDetection.From(detection, outcome.Width, outcome.Height);
            entry.Classifications = results.Classify(detection.Taxon);
            return entry;
        }

        var suppressed = outcome.Suppressed.Select(s =>
        {
            var entry = Entry(s.Detection);
            entry.SuppressedBy = s.Reason;
            return entry;
        }).ToList();
        return new ImageResult
        {
            File = outcome.File.Name,
            Detections = outcome.Detections.Select(Entry).ToList(),
            Datetime = outcome.DateTimeOriginal,
            SuppressedDetections = suppressed.Count > 0 ? suppressed : null,
        };
    }

    private static int Save(MegaDetectorResults results, DetectRequest request)
    {
        var suppressed = RepeatSuppression.Apply(results, request.Repeats);
        results.Info.RepeatDetectionElimination = request.Repeats.Enabled
            ? new RepeatEliminationInfo { MinIou = request.Repeats.MinIou, MinOccurrences = request.Repeats.MinOccurrences, Suppressed = suppressed }
            : null;
        results.Info.OverlayBands = new OverlayBandInfo
        {
            Suppressed = results.Images.Sum(i => i.SuppressedDetections?.Count(d => d.SuppressedBy == PicturePostProcessor.Overlay) ?? 0),
        };
        results.Info.DetectionCompletionTime = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
        results.Save(request.OutputPath);
        return suppressed;
    }

    private void WriteAnnotated(MegaDetectorResults results, IReadOnlyList<PictureFile> pictures, string folder, CancellationToken cancellationToken)
    {
        var root = Path.GetFullPath(folder);
        var byName = pictures.ToDictionary(p => p.Name, StringComparer.Ordinal);
        var withDetections = results.Images.Where(i => i.Detections is { Count: > 0 } && byName.ContainsKey(i.File)).ToList();
        Parallel.ForEach(withDetections, new ParallelOptions { CancellationToken = cancellationToken }, image =>
        {
            var target = Path.GetFullPath(Path.Combine(root, Path.ChangeExtension(image.File, ".jpg")));
            if (!target.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                LogProblem(_logger, $"annotated picture for {image.File} would fall outside {root}; not written");
                return;
            }

            try
            {
                using var picture = PictureReader.Read(byName[image.File].FullPath, AnnotatedLongSide, AnnotatedLongSide);
                var (w, h) = (picture.Pixels.Width, picture.Pixels.Height);
                PictureAnnotator.Draw(picture.Pixels, image.Detections!.Select(d => new Detection(
                    d.Label ?? "", CategoryOf(d), d.Conf, new BoundingBox(d.Bbox[0] * w, d.Bbox[1] * h, d.Bbox[2] * w, d.Bbox[3] * h))));
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.WriteAllBytes(target, PictureAnnotator.EncodeJpeg(picture.Pixels));
            }
            catch (Exception e) when (e is PictureException or IOException or UnauthorizedAccessException)
            {
                LogProblem(_logger, $"annotated picture {target} not written: {e.Message}");
            }
        });
    }

    private static DetectSummary Summarize(MegaDetectorResults results, int processed, int resumed, int repeats, TimeSpan elapsed, List<string> problems)
    {
        var byCategory = new Dictionary<DetectionCategory, IReadOnlyDictionary<string, int>>();
        var detections = results.Images.SelectMany(i => i.Detections ?? []).ToList();
        foreach (var group in detections.GroupBy(CategoryOf))
        {
            byCategory[group.Key] = group.GroupBy(d => d.Label ?? "").ToDictionary(g => g.Key, g => g.Count());
        }

        int Suppressed(string by) => results.Images.Sum(i => i.SuppressedDetections?.Count(d => d.SuppressedBy == by) ?? 0);
        var masked = Suppressed(PicturePostProcessor.Masked);
        return new DetectSummary(
            results.Images.Count,
            resumed,
            results.Images.Count(i => i.Failure is not null),
            byCategory,
            repeats,
            masked,
            elapsed.TotalSeconds > 0 ? processed / elapsed.TotalSeconds : 0,
            problems)
        {
            SuppressedOverlay = Suppressed(PicturePostProcessor.Overlay),
            Taxa = detections.Where(d => d.Classifications is { Count: > 0 }).GroupBy(d => results.ClassificationCategories is { } names && names.TryGetValue(d.Classifications![0][0]?.ToString() ?? "", out var name) ? name : "?")
                .ToDictionary(g => g.Key, g => g.Count()),
        };
    }

    private static DetectionCategory CategoryOf(ImageDetection detection) =>
        (DetectionCategory)int.Parse(detection.Category, CultureInfo.InvariantCulture);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Problem}")]
    private static partial void LogProblem(ILogger logger, string problem);

    [LoggerMessage(Level = LogLevel.Information, Message = "Resuming: {Count} pictures are already in {Output}")]
    private static partial void LogResuming(ILogger logger, int count, string output);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stopped: {Count} pictures saved in {Output}; run the same command again to resume")]
    private static partial void LogStopped(ILogger logger, int count, string output);
}
