namespace EdgeAgent.Species;

using EdgeAgent.Common.Observations;
using OpenCvSharp;

/// <summary>A species classifier: class scores for the crops of a picture's animal boxes, all in one call. Thread-safe.</summary>
public interface ICropClassifier : IDisposable
{
    /// <summary>The classifier's manifest: its input, labels and taxonomy.</summary>
    ClassifierManifest Manifest { get; }

    /// <summary>Where it runs, for logs.</summary>
    string RunsOn { get; }

    /// <summary>Class scores (probabilities) of each box's crop of <paramref name="picture"/> (8-bit BGR).</summary>
    float[][] Classify(Mat picture, IReadOnlyList<BoundingBox> boxes);
}
