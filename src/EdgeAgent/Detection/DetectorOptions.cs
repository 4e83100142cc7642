namespace EdgeAgent.Detection;

/// <summary>How the local ONNX Runtime detector runs (configuration section <c>Detector</c>).</summary>
public sealed record DetectorOptions : Common.IOptionsSection
{
    /// <summary>The configuration section's name.</summary>
    public static string SectionName => "Detector";

    /// <summary>Model manifest path; the YOLOX-Nano manifest beside the executable when empty.</summary>
    public string Model { get; init; } = "";

    /// <summary>Frames run through the detector at once by the daemon; 0 means one per processor core.</summary>
    public int Workers { get; init; }

    /// <summary>Detector workers: <see cref="Workers"/>, or one per core.</summary>
    public int WorkerCount => Workers > 0 ? Workers : Environment.ProcessorCount;

    /// <summary>Which execution provider to use.</summary>
    public ExecutionProvider Provider { get; init; } = ExecutionProvider.Auto;

    /// <summary>ONNX Runtime threads for one inference on the CPU; 0 lets ONNX Runtime choose (one per core).</summary>
    public int CpuThreads { get; init; }

    /// <summary>Builds TensorRT engines in FP16: about twice as fast on Jetson, with a negligible loss in accuracy.</summary>
    public bool TensorRtFp16 { get; init; } = true;

    /// <summary>Where TensorRT keeps built engines, so only the first start pays for the build. Empty = no cache.</summary>
    public string TensorRtCachePath { get; init; } = "";

    /// <summary>The GPU to run on (CUDA and TensorRT).</summary>
    public int DeviceId { get; init; }

    /// <summary>
    /// Cap of the CUDA provider's memory arena, in MB; 0 lets it grow freely. A Jetson Orin Nano's
    /// 8 GB are shared by the CPU and the GPU: the default leaves the rest to decoding and the system.
    /// </summary>
    public int GpuMemoryLimitMB { get; init; } = 1024;

    /// <summary>
    /// How cuDNN picks convolution algorithms: <c>HEURISTIC</c> (default: no search, no stall at the
    /// first frame), <c>EXHAUSTIVE</c> (ONNX Runtime's own default: benchmarks them all at the first
    /// inference) or <c>DEFAULT</c>.
    /// </summary>
    public string CudnnConvolutionSearch { get; init; } = "HEURISTIC";

    /// <summary>Optional tiling for small, distant animals in large pictures.</summary>
    public TilingOptions Tiling { get; init; } = new();

    /// <summary>The species stage: a classifier over each animal's crop, its threshold and the expected taxa.</summary>
    public ClassifierOptions Classifier { get; init; } = new();

    /// <summary>
    /// Pictures are decoded whole, not reduced to the detector's input: tiles need every pixel, and a
    /// classifier needs an animal's own pixels (a 200-pixel elephant of a 2048-pixel picture is a
    /// 50-pixel smudge at the detector's scale).
    /// </summary>
    public bool DecodesWholePictures => Tiling.Enabled || Classifier.Model.Length > 0;

    /// <summary>Where inference runs: here with ONNX Runtime, or on a Triton Inference Server.</summary>
    public DetectorBackend Backend { get; init; } = DetectorBackend.Onnx;

    /// <summary>The Triton server, when <see cref="Backend"/> is Triton.</summary>
    public TritonOptions Triton { get; init; } = new();

    /// <inheritdoc />
    public IEnumerable<string> Problems()
    {
        if (Workers < 0 || CpuThreads < 0 || DeviceId < 0 || GpuMemoryLimitMB < 0)
        {
            yield return $"Detector: Workers ({Workers}), CpuThreads ({CpuThreads}), DeviceId ({DeviceId}) and GpuMemoryLimitMB ({GpuMemoryLimitMB}) cannot be negative";
        }

        if (Classifier.TritonModel.Length > 0 && (Backend != DetectorBackend.Triton || Classifier.Model.Length == 0))
        {
            yield return $"{SectionName}:Classifier:TritonModel: '{Classifier.TritonModel}' runs on the detector's Triton server: it needs {SectionName}:Backend Triton and {SectionName}:Classifier:Model (its manifest)";
        }

        foreach (var problem in Classifier.Problems($"{SectionName}:Classifier"))
        {
            yield return problem;
        }

        if (CudnnConvolutionSearch is not ("HEURISTIC" or "EXHAUSTIVE" or "DEFAULT"))
        {
            yield return $"Detector:CudnnConvolutionSearch: '{CudnnConvolutionSearch}' is not one of HEURISTIC, EXHAUSTIVE, DEFAULT";
        }

        if (Tiling.Overlap is < 0 or >= 1)
        {
            yield return $"Detector:Tiling:Overlap: {Tiling.Overlap} must lie in [0, 1)";
        }

        if (Backend == DetectorBackend.Triton && (Triton.Model.Length == 0 || !Uri.TryCreate(Triton.Url, UriKind.Absolute, out _) || Triton.Deadline <= TimeSpan.Zero))
        {
            yield return $"Detector:Triton: needs a Model, an absolute Url (got '{Triton.Url}') and a positive Deadline";
        }
    }
}

/// <summary>Where inference runs.</summary>
public enum DetectorBackend
{
    /// <summary>ONNX Runtime in the agent's process.</summary>
    Onnx,

    /// <summary>A Triton Inference Server over gRPC (KServe v2), with the local model as fallback.</summary>
    Triton,
}

/// <summary>A Triton Inference Server (configuration section <c>Detector:Triton</c>).</summary>
public sealed record TritonOptions
{
    /// <summary>gRPC address: <c>http://127.0.0.1:8001</c>, or <c>https://…</c> for TLS.</summary>
    public string Url { get; init; } = "http://127.0.0.1:8001";

    /// <summary>The model's name in Triton's model repository.</summary>
    public string Model { get; init; } = "";

    /// <summary>Model version; empty for the newest ready one.</summary>
    public string ModelVersion { get; init; } = "";

    /// <summary>Deadline of each call.</summary>
    public TimeSpan Deadline { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Run the local model while Triton is unreachable.</summary>
    public bool Fallback { get; init; } = true;

    /// <summary>After a failure, frames go to the local model for this long before Triton is tried again; it doubles, up to a minute, while Triton stays away.</summary>
    public TimeSpan RetryAfter { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>An authentication header sent with every call (e.g. <c>Authorization</c>); none when empty.</summary>
    public string AuthHeader { get; init; } = "";

    /// <summary>Its value: from the environment (<c>Detector__Triton__AuthToken</c>) or a systemd credential.</summary>
    public string AuthToken { get; init; } = "";
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
