namespace EdgeAgent.Detection.Triton;

using EdgeAgent.Common.Observations;
using OpenCvSharp;

/// <summary>Which backend served a frame.</summary>
public enum ServedBy
{
    Triton,
    Local,
}

/// <summary>
/// Sends frames to Triton and, while Triton is unreachable or unavailable, to the local detector:
/// <see cref="TritonFailover"/> says which serves each frame.
/// </summary>
public sealed class FailoverDetector(TritonDetector triton, IDetector? local, TritonOptions options, TimeProvider time, ILogger<FailoverDetector> logger)
    : IDetector
{
    private readonly TritonFailover _failover = new(triton, "detector", options, time, logger);
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
        var (detections, byTriton) = _failover.Serve(
            () => triton.Detect(picture, minConfidence, timings),
            local is null ? null : () => local.Detect(picture, minConfidence, timings));
        var backend = byTriton ? ServedBy.Triton : ServedBy.Local;
        Interlocked.Increment(ref _served[(int)backend]);
        FrameServed?.Invoke(backend);
        return detections;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        triton.Dispose();
        local?.Dispose();
    }
}
