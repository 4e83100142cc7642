namespace EdgeAgent.Species;

using EdgeAgent.Common.Observations;
using EdgeAgent.Detection;
using EdgeAgent.Detection.Triton;
using OpenCvSharp;
using LogLevel = Microsoft.Extensions.Logging.LogLevel;

/// <summary>
/// The species classifier on Triton and, while Triton is unreachable or unavailable, on this machine,
/// as the detector fails over (<see cref="TritonFailover"/>): no animal goes unnamed because the
/// server is away. Without a local classifier Triton's failure is the frame's.
/// </summary>
public sealed partial class FailoverClassifier(TritonClassifier triton, ICropClassifier? local, TritonOptions options, TimeProvider time, ILogger<FailoverClassifier> logger)
    : ICropClassifier
{
    private readonly TritonFailover _failover = new(options, time);

    /// <inheritdoc />
    public ClassifierManifest Manifest => triton.Manifest;

    /// <inheritdoc />
    public string RunsOn => local is null ? "Triton" : $"Triton, with the local classifier ({local.RunsOn}) as fallback";

    /// <inheritdoc />
    public float[][] Classify(Mat picture, IReadOnlyList<BoundingBox> boxes) => _failover.Serve(
        () => triton.Classify(picture, boxes),
        local is null ? null : () => local.Classify(picture, boxes),
        triton.Connect,
        () => LogConnected(logger, triton.Describe),
        (reason, wait) => LogFallback(logger, reason, wait.TotalSeconds)).Result;

    /// <inheritdoc />
    public void Dispose()
    {
        triton.Dispose();
        local?.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Species classifier on {Triton}")]
    private static partial void LogConnected(ILogger logger, string triton);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Triton failed to classify ({Reason}); the local classifier serves, Triton is tried again in {Seconds:F0} s")]
    private static partial void LogFallback(ILogger logger, string reason, double seconds);
}
