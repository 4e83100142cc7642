namespace EdgeAgent.Species;

using EdgeAgent.Common.Observations;
using EdgeAgent.Detection;
using EdgeAgent.Detection.Triton;
using OpenCvSharp;

/// <summary>
/// The species classifier on Triton and, while Triton is unreachable or unavailable, on this machine,
/// as the detector fails over (<see cref="TritonFailover"/>): no animal goes unnamed because the
/// server is away. Without a local classifier Triton's failure is the frame's.
/// </summary>
public sealed class FailoverClassifier(TritonClassifier triton, ICropClassifier? local, TritonOptions options, TimeProvider time, ILogger<FailoverClassifier> logger)
    : ICropClassifier
{
    private readonly TritonFailover _failover = new(triton, "species classifier", options, time, logger);

    /// <inheritdoc />
    public ClassifierManifest Manifest => triton.Manifest;

    /// <inheritdoc />
    public string RunsOn => local is null ? "Triton" : $"Triton, with the local classifier ({local.RunsOn}) as fallback";

    /// <inheritdoc />
    public float[][] Classify(Mat picture, IReadOnlyList<BoundingBox> boxes) => _failover.Serve(
        () => triton.Classify(picture, boxes),
        local is null ? null : () => local.Classify(picture, boxes)).Result;

    /// <inheritdoc />
    public void Dispose()
    {
        triton.Dispose();
        local?.Dispose();
    }
}
