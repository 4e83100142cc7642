namespace EdgeAgent.Detection;

using System.Collections.Concurrent;
using System.Diagnostics;
using EdgeAgent.Common.Observations;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using OpenCvSharp;

/// <summary>
/// Runs a YOLO-family model with ONNX Runtime. One instance serves all threads: the session is
/// thread-safe, and each call takes its own input buffer from a small pool.
/// </summary>
public sealed class OnnxDetector : IDetector, IDisposable
{
    private readonly InferenceSession _session;
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;
    private readonly long[] _inputShape;
    private readonly int _tensorLength;
    private readonly ConcurrentBag<float[]> _buffers = [];
    private readonly RunOptions _runOptions = new();

    /// <summary>Loads the model and checks it against its manifest.</summary>
    public OnnxDetector(ModelManifest manifest, DetectorOptions options, ILogger<OnnxDetector> logger)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        Manifest = manifest;
        (_session, Provider) = OnnxSessionFactory.Create(manifest.ModelPath, options, logger);
        try
        {
            var input = CheckInput(manifest, _session);
            var output = CheckOutput(manifest, _session);
            _inputNames = [input];
            _outputNames = [output];
        }
        catch
        {
            _session.Dispose();
            throw;
        }

        _inputShape = [1, 3, manifest.Input.Height, manifest.Input.Width];
        _tensorLength = 3 * manifest.Input.Width * manifest.Input.Height;
    }

    /// <inheritdoc />
    public ModelManifest Manifest { get; }

    /// <summary>The execution provider that runs the model.</summary>
    public ExecutionProvider Provider { get; }

    /// <inheritdoc />
    public bool InfersOffCpu => Provider != ExecutionProvider.Cpu;

    /// <inheritdoc />
    public string RunsOn => Provider.ToString();

    /// <inheritdoc />
    public IReadOnlyList<Detection> Detect(Mat picture, float minConfidence, StageTimings? timings = null)
    {
        ArgumentNullException.ThrowIfNull(picture);
        var buffer = _buffers.TryTake(out var pooled) ? pooled : new float[_tensorLength];
        try
        {
            var start = Stopwatch.GetTimestamp();
            var transform = Letterbox.Apply(picture, Manifest.Input, buffer);
            timings?.Add(Stage.Preprocess, start);

            start = Stopwatch.GetTimestamp();
            using var input = OrtValue.CreateTensorValueFromMemory(buffer, _inputShape);
            using var outputs = _session.Run(_runOptions, _inputNames, [input], _outputNames);
            timings?.Add(Stage.Inference, start);

            start = Stopwatch.GetTimestamp();
            var detections = ModelOutput.ToDetections(
                Manifest, outputs[0].GetTensorDataAsSpan<float>(), outputs[0].GetTensorTypeAndShape().Shape, transform, picture.Width, picture.Height, minConfidence);
            timings?.Add(Stage.Postprocess, start);
            return detections;
        }
        finally
        {
            _buffers.Add(buffer);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _session.Dispose();
        _runOptions.Dispose();
    }

    private static string CheckInput(ModelManifest manifest, InferenceSession session)
    {
        var name = manifest.Input.Name ?? session.InputMetadata.Keys.First();
        if (!session.InputMetadata.TryGetValue(name, out var metadata))
        {
            throw Mismatch(manifest, $"input '{name}' is not in the model; it has {string.Join(", ", session.InputMetadata.Keys)}");
        }

        if (metadata.ElementDataType != TensorElementType.Float)
        {
            throw Mismatch(manifest, $"input '{name}' takes {metadata.ElementDataType}; only float32 inputs are supported");
        }

        var dims = metadata.Dimensions;
        if (dims.Length != 4
            || !Fits(dims[0], 1) || !Fits(dims[1], 3)
            || !Fits(dims[2], manifest.Input.Height) || !Fits(dims[3], manifest.Input.Width))
        {
            throw Mismatch(
                manifest,
                $"input '{name}' has shape [{string.Join(", ", dims)}]; the manifest says [1, 3, {manifest.Input.Height}, {manifest.Input.Width}]");
        }

        return name;
    }

    private static string CheckOutput(ModelManifest manifest, InferenceSession session)
    {
        var name = manifest.Output ?? session.OutputMetadata.Keys.First();
        if (!session.OutputMetadata.TryGetValue(name, out var metadata))
        {
            throw Mismatch(manifest, $"output '{name}' is not in the model; it has {string.Join(", ", session.OutputMetadata.Keys)}");
        }

        var dims = metadata.Dimensions;
        if (dims.Length != 3)
        {
            throw Mismatch(manifest, $"output '{name}' has shape [{string.Join(", ", dims)}]; the {manifest.Layout} layout needs [1, rows, columns]");
        }

        var problem = OutputDecoders.CheckShape(
            manifest.Layout, dims[1], dims[2], manifest.ClassLabels.Count, manifest.Input.Width, manifest.Input.Height);
        return problem is null ? name : throw Mismatch(manifest, $"output '{name}' has shape [{string.Join(", ", dims)}]: {problem}");
    }

    private static bool Fits(int dimension, int expected) => dimension <= 0 || dimension == expected;

    private static ConfigurationException Mismatch(ModelManifest manifest, string problem) =>
        new($"model {manifest.ModelPath} does not fit its manifest ({manifest.Name}): {problem}");
}
