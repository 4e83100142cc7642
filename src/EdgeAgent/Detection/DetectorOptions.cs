namespace EdgeAgent.Detection;

/// <summary>How the local ONNX Runtime detector runs (configuration section <c>Detector</c>).</summary>
public sealed record DetectorOptions
{
    /// <summary>The configuration section's name.</summary>
    public const string SectionName = "Detector";

    /// <summary>Model manifest path; the YOLOX-Nano manifest beside the executable when empty.</summary>
    public string Model { get; init; } = "";

    /// <summary>Frames run through the detector at once by the daemon; 0 means one per processor core.</summary>
    public int Workers { get; init; }

    /// <summary>Which execution provider to use.</summary>
    public ExecutionProvider Provider { get; init; } = ExecutionProvider.Auto;

    /// <summary>ONNX Runtime threads for one inference on the CPU; 0 lets ONNX Runtime choose (one per core).</summary>
    public int CpuThreads { get; init; }

    /// <summary>Builds TensorRT engines in FP16: about twice as fast on Jetson, with a negligible loss in accuracy.</summary>
    public bool TensorRtFp16 { get; init; } = true;

    /// <summary>Where TensorRT keeps built engines, so only the first start pays for the build. Empty = no cache.</summary>
    public string TensorRtCachePath { get; init; } = "";

    /// <summary>Optional tiling for small, distant animals in large pictures.</summary>
    public TilingOptions Tiling { get; init; } = new();
}

/// <summary>
/// Tiling runs the model on overlapping model-size tiles of the full-resolution picture as well as on
/// the whole picture, and merges the results; it finds small animals at the cost of one inference per tile.
/// </summary>
public sealed record TilingOptions
{
    /// <summary>Off by default: it multiplies inference time.</summary>
    public bool Enabled { get; init; }

    /// <summary>Fraction of a tile that overlaps its neighbour, so an animal on a seam is whole in one tile.</summary>
    public float Overlap { get; init; } = 0.2f;
}
