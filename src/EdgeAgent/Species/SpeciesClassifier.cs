namespace EdgeAgent.Species;

using EdgeAgent.Common.Observations;
using EdgeAgent.Detection;
using Microsoft.ML.OnnxRuntime;
using OpenCvSharp;

/// <summary>
/// Runs a species classifier with ONNX Runtime on the detector's execution provider: the crops of a
/// frame's animal boxes go in one batch, and each gets its class scores. Thread-safe, like the detector.
/// </summary>
public sealed class SpeciesClassifier : ICropClassifier
{
    private readonly InferenceSession _session;
    private readonly string _input;
    private readonly string _output;
    private readonly RunOptions _runOptions = new();

    /// <summary>Loads the model and checks it against its manifest.</summary>
    public SpeciesClassifier(ClassifierManifest manifest, DetectorOptions options, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        Manifest = manifest;
        (_session, Provider) = OnnxSessionFactory.Create(manifest.ModelPath, options, logger);
        try
        {
            _input = manifest.Input.Name ?? _session.InputMetadata.Keys.First();
            _output = manifest.Output ?? _session.OutputMetadata.Keys.First();
            if (!_session.InputMetadata.TryGetValue(_input, out var input) || input.Dimensions is not [_, 3, var h, var w]
                || (h > 0 && h != manifest.Input.Height) || (w > 0 && w != manifest.Input.Width))
            {
                throw Mismatch($"input '{_input}' must be [N, 3, {manifest.Input.Height}, {manifest.Input.Width}]; the model has {Shapes(_session.InputMetadata)}");
            }

            if (!_session.OutputMetadata.TryGetValue(_output, out var output) || output.Dimensions is not [_, var classes] || classes != manifest.Labels.Count)
            {
                throw Mismatch($"output '{_output}' must be [N, {manifest.Labels.Count}] (one score per label); the model has {Shapes(_session.OutputMetadata)}");
            }
        }
        catch
        {
            _session.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public ClassifierManifest Manifest { get; }

    /// <summary>The execution provider that runs it.</summary>
    public ExecutionProvider Provider { get; }

    /// <inheritdoc />
    public string RunsOn => Provider.ToString();

    /// <inheritdoc />
    public float[][] Classify(Mat picture, IReadOnlyList<BoundingBox> boxes)
    {
        ArgumentNullException.ThrowIfNull(boxes);
        if (boxes.Count == 0)
        {
            return [];
        }

        var spec = Manifest.Input;
        using var input = OrtValue.CreateTensorValueFromMemory(CropBatch.Tensor(picture, boxes, Manifest), [boxes.Count, 3, spec.Height, spec.Width]);
        using var outputs = _session.Run(_runOptions, [_input], [input], [_output]);
        return CropBatch.Scores(outputs[0].GetTensorDataAsSpan<float>(), boxes.Count, Manifest);
    }

    private static string Shapes(IReadOnlyDictionary<string, NodeMetadata> nodes) =>
        string.Join(", ", nodes.Select(n => $"{n.Key} [{string.Join(", ", n.Value.Dimensions)}]"));

    private ConfigurationException Mismatch(string problem) => new($"classifier {Manifest.ModelPath} does not fit its manifest ({Manifest.Name}): {problem}");

    /// <inheritdoc />
    public void Dispose()
    {
        _session.Dispose();
        _runOptions.Dispose();
    }
}
