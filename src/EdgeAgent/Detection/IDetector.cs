namespace EdgeAgent.Detection;

using EdgeAgent.Common.Observations;
using OpenCvSharp;

/// <summary>
/// Finds animals, people and vehicles in a picture. Implementations are thread-safe: one detector
/// serves every source.
/// </summary>
public interface IDetector : IDisposable
{
    /// <summary>The model it runs.</summary>
    ModelManifest Manifest { get; }

    /// <summary>
    /// Inference runs off this machine's CPU cores (a GPU, a Triton server): the cores are then best
    /// spent decoding pictures.
    /// </summary>
    bool InfersOffCpu => false;

    /// <summary>Where inference runs, in words for a person (an ONNX Runtime provider, a Triton server).</summary>
    string RunsOn => "CPU";

    /// <summary>Detections in <paramref name="picture"/> (8-bit BGR), in its pixels, scoring at least <paramref name="minConfidence"/>.</summary>
    IReadOnlyList<Detection> Detect(Mat picture, float minConfidence, StageTimings? timings = null);

    /// <summary>
    /// Detections in a picture of <paramref name="source"/>: the same, for a detector whose answer does
    /// not depend on where the picture was taken; the species stage names animals as expected there,
    /// by the classifier only where <paramref name="classify"/> (a video frame's animals are looked at
    /// once their tracks are known, on a few of each track's frames, and named by the detector's label until then).
    /// </summary>
    IReadOnlyList<Detection> Detect(Mat picture, float minConfidence, StageTimings? timings, string? source, bool classify = true) => Detect(picture, minConfidence, timings);
}
