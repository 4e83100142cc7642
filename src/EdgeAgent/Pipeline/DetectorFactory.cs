namespace EdgeAgent.Pipeline;

using EdgeAgent.Detection;
using EdgeAgent.Species;
using EdgeAgent.Common.Observations;
using EdgeAgent.Detection.Triton;

/// <summary>Builds the configured detector: local ONNX Runtime, or Triton with the local model as fallback, tiled on request.</summary>
public static partial class DetectorFactory
{
    /// <summary>Creates the detector; configuration mistakes (manifest, model, Triton model) are <see cref="ConfigurationException"/>s.</summary>
    /// <param name="options">The detector's configuration.</param>
    /// <param name="loggers">Where it logs.</param>
    /// <param name="onServed">Told, for Triton, which backend served each frame.</param>
    public static IDetector Create(DetectorOptions options, ILoggerFactory loggers, Action<ServedBy>? onServed = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggers);
        var manifest = ModelManifest.Load(options.Model.Length > 0 ? options.Model : ModelManifest.DefaultPath);
        IDetector detector = options.Backend == DetectorBackend.Triton
            ? CreateTriton(manifest, options, loggers, onServed)
            : CreateLocal(manifest, options, loggers);
        if (options.Tiling.Enabled)
        {
            detector = new TilingDetector(detector, options.Tiling);
        }

        return Named(detector, options, loggers);
    }

    /// <summary>The species stage around the detector: a classifier when one is configured, else the detector's own taxa.</summary>
    private static IDetector Named(IDetector detector, DetectorOptions options, ILoggerFactory loggers)
    {
        if (options.Classifier.Model.Length == 0 && detector.Manifest.LabelTaxa.Count == 0)
        {
            return detector;
        }

        try
        {
            var classifier = options.Classifier.Model.Length == 0 ? null : CreateClassifier(options, loggers);
            return new ClassifyingDetector(detector, classifier, options.Classifier);
        }
        catch
        {
            detector.Dispose();
            throw;
        }
    }

    /// <summary>The species classifier: here, or on the detector's Triton server with this machine as fallback, as the detector.</summary>
    private static ICropClassifier CreateClassifier(DetectorOptions options, ILoggerFactory loggers)
    {
        var manifest = ClassifierManifest.Load(options.Classifier.Model);
        if (options.Backend != DetectorBackend.Triton || options.Classifier.TritonModel.Length == 0)
        {
            return CreateLocalClassifier(manifest, options, loggers);
        }

        var logger = loggers.CreateLogger<FailoverClassifier>();
        var triton = new TritonClassifier(manifest, options.Triton with { Model = options.Classifier.TritonModel, ModelVersion = "" });
        var local = ConnectWithFallback<ICropClassifier>(
            triton, triton.Connect, options.Triton, () => CreateLocalClassifier(manifest, options, loggers), reason => LogStartingLocal(logger, reason, "species classifier"));
        return new FailoverClassifier(triton, local, options.Triton, TimeProvider.System, logger);
    }

    /// <summary>
    /// The local detector, warmed up with one blank picture before the first real one: a GPU
    /// provider's first inference allocates, compiles and (with an exhaustive cuDNN search)
    /// benchmarks, and that cost belongs to start-up — before the daemon says it is ready — not to
    /// the first alert.
    /// </summary>
    private static OnnxDetector CreateLocal(ModelManifest manifest, DetectorOptions options, ILoggerFactory loggers)
    {
        var detector = new OnnxDetector(manifest, options, loggers.CreateLogger<OnnxDetector>());
        WarmUp("detector", detector.Provider, manifest.Input.Width, manifest.Input.Height, blank => detector.Detect(blank, 1f), loggers);
        return detector;
    }

    /// <summary>The local species classifier, warmed up as the detector is, with one blank crop: otherwise the first animals' looks pay for it.</summary>
    private static SpeciesClassifier CreateLocalClassifier(ClassifierManifest manifest, DetectorOptions options, ILoggerFactory loggers)
    {
        var classifier = new SpeciesClassifier(manifest, options, loggers.CreateLogger<SpeciesClassifier>());
        WarmUp("species classifier", classifier.Provider, manifest.Input.Width, manifest.Input.Height, blank => classifier.Classify(blank, [new BoundingBox(0, 0, blank.Width, blank.Height)]), loggers);
        return classifier;
    }

    /// <summary>Runs a model once on a grey picture of its input's size, and logs how long that took.</summary>
    private static void WarmUp(string model, ExecutionProvider provider, int width, int height, Action<OpenCvSharp.Mat> infer, ILoggerFactory loggers)
    {
        using var blank = new OpenCvSharp.Mat(height, width, OpenCvSharp.MatType.CV_8UC3, OpenCvSharp.Scalar.All(114));
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        infer(blank);
        LogWarmedUp(loggers.CreateLogger(typeof(DetectorFactory)), model, provider, System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    private static FailoverDetector CreateTriton(ModelManifest manifest, DetectorOptions options, ILoggerFactory loggers, Action<ServedBy>? onServed)
    {
        var logger = loggers.CreateLogger<FailoverDetector>();
        var triton = new TritonDetector(manifest, options.Triton);
        var local = ConnectWithFallback<IDetector>(triton, triton.Connect, options.Triton, () => CreateLocal(manifest, options, loggers), reason => LogStartingLocal(logger, reason, "detector"));
        var failover = new FailoverDetector(triton, local, options.Triton, TimeProvider.System, logger);
        if (onServed is not null)
        {
            failover.FrameServed += onServed;
        }

        return failover;
    }

    /// <summary>
    /// Makes the local fallback (when <see cref="TritonOptions.Fallback"/> is on) and connects to Triton:
    /// a server down at start is no reason not to start when the local model can serve until it is
    /// back; without a fallback it is a configuration error. Whatever else fails disposes both.
    /// </summary>
    private static T? ConnectWithFallback<T>(IDisposable triton, Action connect, TritonOptions options, Func<T> createLocal, Action<string> startingLocal)
        where T : class, IDisposable
    {
        T? local = null;
        try
        {
            local = options.Fallback ? createLocal() : null;
            connect();
        }
        catch (TritonUnavailableException e) when (local is not null)
        {
            startingLocal(e.Message);
        }
        catch (TritonUnavailableException e)
        {
            triton.Dispose();
            throw new ConfigurationException($"{e.Message}, and Detector:Triton:Fallback is off", e);
        }
        catch
        {
            triton.Dispose();
            local?.Dispose();
            throw;
        }

        return local;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Triton is not reachable at start ({Reason}); the local {Model} serves until it is")]
    private static partial void LogStartingLocal(ILogger logger, string reason, string model);

    [LoggerMessage(Level = LogLevel.Information, Message = "Warm-up: the {Model}'s first inference on {Provider} took {Milliseconds:F0} ms")]
    private static partial void LogWarmedUp(ILogger logger, string model, ExecutionProvider provider, double milliseconds);
}
