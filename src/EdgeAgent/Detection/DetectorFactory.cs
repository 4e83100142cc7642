namespace EdgeAgent.Detection;

using EdgeAgent.Common;
using EdgeAgent.Detection.Triton;
using Microsoft.Extensions.Logging;

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
            : new OnnxDetector(manifest, options, loggers.CreateLogger<OnnxDetector>());
        return options.Tiling.Enabled ? new TilingDetector(detector, options.Tiling) : detector;
    }

    private static FailoverDetector CreateTriton(ModelManifest manifest, DetectorOptions options, ILoggerFactory loggers, Action<ServedBy>? onServed)
    {
        var logger = loggers.CreateLogger<FailoverDetector>();
        var triton = new TritonDetector(manifest, options.Triton);
        IDetector? local = null;
        try
        {
            local = options.Triton.Fallback ? new OnnxDetector(manifest, options, loggers.CreateLogger<OnnxDetector>()) : null;
            triton.Connect();
        }
        catch (TritonUnavailableException e) when (local is not null)
        {
            // A server that is down at start is no reason not to start: the local model serves until it is back.
            LogStartingLocal(logger, e.Message);
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

        var failover = new FailoverDetector(triton, local, options.Triton, TimeProvider.System, logger);
        if (onServed is not null)
        {
            failover.FrameServed += onServed;
        }

        return failover;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Triton is not reachable at start ({Reason}); the local detector serves until it is")]
    private static partial void LogStartingLocal(ILogger logger, string reason);
}
