namespace EdgeAgent.Jobs;

using EdgeAgent.Detection;
using EdgeAgent.Tracking;

/// <summary>Everything a <c>detect</c> run is told on its command line.</summary>
public sealed record DetectRequest
{
    /// <summary>Files and folders of pictures.</summary>
    public required IReadOnlyList<string> Inputs { get; init; }

    /// <summary>The MegaDetector-format results file; resumed when it exists.</summary>
    public required string OutputPath { get; init; }

    /// <summary>Walk sub-folders.</summary>
    public bool Recursive { get; init; }

    /// <summary>Minimum confidence; the manifest's typical threshold when null.</summary>
    public float? Threshold { get; init; }

    /// <summary>Where annotated JPEGs go, or null for none.</summary>
    public string? AnnotatedFolder { get; init; }

    /// <summary>Masks file (camera → polygons), or null.</summary>
    public string? MasksFile { get; init; }

    /// <summary>Detector settings: manifest, provider, tiling.</summary>
    public required DetectorOptions Detector { get; init; }

    /// <summary>Repeat-detection elimination settings.</summary>
    public RepeatDetectionOptions Repeats { get; init; } = new();

    /// <summary>Decode and detection threads.</summary>
    public PipelineOptions Pipeline { get; init; } = new();

    /// <summary>Results are saved after this many new pictures, so a crash loses little.</summary>
    public int CheckpointEvery { get; init; } = 200;
}
