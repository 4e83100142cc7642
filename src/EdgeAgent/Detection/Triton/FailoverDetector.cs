namespace EdgeAgent.Detection.Triton;

using EdgeAgent.Common.Observations;
using EdgeAgent.Common;
using OpenCvSharp;
using LogLevel = Microsoft.Extensions.Logging.LogLevel;

/// <summary>Which backend served a frame.</summary>
public enum ServedBy
{
    Triton,
    Local,
}

/// <summary>
/// Sends frames to Triton and, while Triton is unreachable or unavailable, to the local detector:
/// after a failure the local detector serves for a while (doubling up to a minute), then Triton is
/// tried again with the next frame. A configuration error from Triton (unknown model, wrong input) is
/// logged and Triton is left alone for five minutes, not hammered.
/// </summary>
public sealed partial class FailoverDetector(TritonDetector triton, IDetector? local, TritonOptions options, TimeProvider time, ILogger<FailoverDetector> logger)
    : IDetector
{
    private static readonly TimeSpan ConfigurationRetry = TimeSpan.FromMinutes(5);
    private readonly TritonBackoff _backoff = new(options, time);
    private readonly long[] _served = new long[2];

    /// <inheritdoc />
    public ModelManifest Manifest => triton.Manifest;

    /// <inheritdoc />
    public bool InfersOffCpu => true;

    /// <inheritdoc />
    public string RunsOn => "Triton, with the local model as fallback";

    /// <summary>Frames served by a backend so far.</summary>
    public long Served(ServedBy backend) => Interlocked.Read(ref _served[(int)backend]);

    /// <summary>Raised for every frame with the backend that served it.</summary>
    public event Action<ServedBy>? FrameServed;

    /// <inheritdoc />
    public IReadOnlyList<Detection> Detect(Mat picture, float minConfidence, StageTimings? timings = null)
    {
        if (_backoff.TryTriton || local is null)
        {
            try
            {
                if (_backoff.EnsureConnected(triton.Connect))
                {
                    LogConnected(logger, triton.Describe);
                }

                var detections = triton.Detect(picture, minConfidence, timings);
                _backoff.Succeeded();
                return Count(ServedBy.Triton, detections);
            }
            catch (TritonUnavailableException e) when (local is not null)
            {
                LogFallback(logger, e.Message, _backoff.Failed().TotalSeconds);
            }
            catch (ConfigurationException e) when (local is not null)
            {
                LogFallback(logger, e.Message, _backoff.Failed(ConfigurationRetry).TotalSeconds);
            }
        }

        return Count(ServedBy.Local, local.Detect(picture, minConfidence, timings));
    }

    /// <inheritdoc />
    public void Dispose()
    {
        triton.Dispose();
        local?.Dispose();
    }

    private IReadOnlyList<Detection> Count(ServedBy backend, IReadOnlyList<Detection> detections)
    {
        Interlocked.Increment(ref _served[(int)backend]);
        FrameServed?.Invoke(backend);
        return detections;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Inference on {Triton}")]
    private static partial void LogConnected(ILogger logger, string triton);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Triton failed ({Reason}); the local detector serves, Triton is tried again in {Seconds:F0} s")]
    private static partial void LogFallback(ILogger logger, string reason, double seconds);
}
