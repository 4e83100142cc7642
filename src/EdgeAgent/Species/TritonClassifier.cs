namespace EdgeAgent.Species;

using System.Runtime.InteropServices;
using EdgeAgent.Common.Observations;
using EdgeAgent.Detection;
using EdgeAgent.Detection.Triton;
using Google.Protobuf;
using OpenCvSharp;

/// <summary>
/// The species classifier on a Triton Inference Server, beside the detector there: the same crops
/// and normalisation as the local classifier, all of a frame's crops in one request (or in requests
/// as large as the model's batch allows). At start it checks the model against the manifest.
/// </summary>
public sealed class TritonClassifier : ICropClassifier, ITritonModel
{
    private readonly TritonChannel _triton;
    private string _input = "";
    private string _output = "";
    private int _batch;

    /// <summary>Opens the channel to <paramref name="options"/>' server and model; call <see cref="Connect"/> before classifying.</summary>
    public TritonClassifier(ClassifierManifest manifest, TritonOptions options)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        Manifest = manifest;
        _triton = new TritonChannel(options);
    }

    /// <inheritdoc />
    public ClassifierManifest Manifest { get; }

    /// <inheritdoc />
    public string RunsOn => "Triton";

    /// <summary>Where it points, for logs.</summary>
    public string Describe => _triton.Describe;

    /// <summary>
    /// Checks the server and the model: an FP32 input [batch, 3, height, width] and an FP32 output
    /// [batch, one score per label], as the manifest says; a mismatch is a configuration error naming both.
    /// </summary>
    public void Connect()
    {
        var metadata = _triton.Connect();
        var spec = Manifest.Input;
        var input = _triton.Tensor(metadata.Inputs, "input", spec.Name, Manifest.Name);
        var dims = input.Shape.ToArray();
        if (input.Datatype != "FP32" || dims.Length != 4 || !TritonChannel.Fits(dims[1], 3) || !TritonChannel.Fits(dims[2], spec.Height) || !TritonChannel.Fits(dims[3], spec.Width))
        {
            throw Mismatch($"input '{input.Name}' is {input.Datatype} [{string.Join(", ", dims)}]; the agent sends FP32 [N, 3, {spec.Height}, {spec.Width}]");
        }

        var output = _triton.Tensor(metadata.Outputs, "output", Manifest.Output, Manifest.Name);
        var outDims = output.Shape.ToArray();
        if (output.Datatype != "FP32" || outDims.Length != 2 || !TritonChannel.Fits(outDims[1], Manifest.Labels.Count))
        {
            throw Mismatch($"output '{output.Name}' is {output.Datatype} [{string.Join(", ", outDims)}]; the manifest has {Manifest.Labels.Count} labels, one score each");
        }

        (_input, _output, _batch) = (input.Name, output.Name, dims[0] > 0 ? (int)dims[0] : int.MaxValue);
    }

    /// <inheritdoc />
    public float[][] Classify(Mat picture, IReadOnlyList<BoundingBox> boxes)
    {
        ArgumentNullException.ThrowIfNull(boxes);
        if (_input.Length == 0)
        {
            throw new InvalidOperationException("Connect() first");
        }

        if (boxes.Count == 0)
        {
            return [];
        }

        var spec = Manifest.Input;
        var plane = 3 * spec.Width * spec.Height;
        var tensor = CropBatch.Tensor(picture, boxes, Manifest);
        var scores = new List<float[]>(boxes.Count);
        for (var first = 0; first < boxes.Count; first += _batch)
        {
            var count = Math.Min(_batch, boxes.Count - first);
            var raw = ByteString.CopyFrom(MemoryMarshal.AsBytes(tensor.AsSpan(first * plane, count * plane)));
            var request = _triton.Request(_input, "FP32", [count, 3, spec.Height, spec.Width], raw, _output);
            var (values, shape) = _triton.Output(_triton.Infer(request), _output);
            if (shape is not [var rows, var classes] || rows != count || classes != Manifest.Labels.Count)
            {
                throw new InvalidOperationException($"{Describe}: the answer's output '{_output}' is [{string.Join(", ", shape)}], not [{count}, {Manifest.Labels.Count}]");
            }

            scores.AddRange(CropBatch.Scores(MemoryMarshal.Cast<byte, float>(values.Span), count, Manifest));
        }

        return [.. scores];
    }

    /// <inheritdoc />
    public void Dispose() => _triton.Dispose();

    private EdgeAgent.Common.ConfigurationException Mismatch(string problem) => _triton.Mismatch(Manifest.Name, problem);
}
