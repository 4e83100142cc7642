namespace EdgeAgent.Detection.Triton;

using System.Diagnostics;
using System.Runtime.InteropServices;
using EdgeAgent.Common.Observations;
using EdgeAgent.Detection.Triton.Protocol;
using Google.Protobuf;
using OpenCvSharp;

/// <summary>Triton could not be reached or answered that it cannot serve now: worth trying again later.</summary>
public sealed class TritonUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Runs the model on a Triton Inference Server (<see cref="TritonChannel"/>): raw tensors both ways,
/// and the same pre- and post-processing as the local detector. At start it checks the server and
/// the model against the manifest.
/// </summary>
public sealed class TritonDetector : IDetector, ITritonModel, IDisposable
{
    private readonly TritonChannel _triton;
    private readonly System.Collections.Concurrent.ConcurrentBag<byte[]> _buffers = [];
    private string _inputName = "";
    private string _inputType = "FP32";
    private string _outputName = "";
    private long[] _inputShape = [];

    /// <summary>Opens the channel; call <see cref="Connect"/> before detecting.</summary>
    public TritonDetector(ModelManifest manifest, TritonOptions options)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        Manifest = manifest;
        _triton = new TritonChannel(options);
    }

    /// <inheritdoc />
    public ModelManifest Manifest { get; }

    /// <inheritdoc />
    public bool InfersOffCpu => true;

    /// <inheritdoc />
    public string RunsOn => "Triton";

    /// <summary>Where it points, for logs.</summary>
    public string Describe => _triton.Describe;

    /// <summary>
    /// Checks that the server is live and ready, the model ready, and its inputs and outputs those of
    /// the manifest. A mismatch, an unknown model or a bad address is a <see cref="ConfigurationException"/>
    /// naming both sides; an unreachable server is a <see cref="TritonUnavailableException"/>.
    /// </summary>
    public void Connect()
    {
        var metadata = _triton.Connect();
        var input = _triton.Tensor(metadata.Inputs, "input", Manifest.Input.Name, Manifest.Name);
        if (input.Datatype is not ("FP32" or "UINT8"))
        {
            throw Mismatch($"input '{input.Name}' takes {input.Datatype}; the agent sends FP32 or UINT8");
        }

        // With max_batch_size > 0 Triton reports the batch dimension as -1; the client then sends it.
        long[] expected = [1, 3, Manifest.Input.Height, Manifest.Input.Width];
        var dims = input.Shape.ToArray();
        var withBatch = dims.Length == 4;
        var chw = withBatch ? dims[1..] : dims;
        if (chw.Length != 3 || !Fits(chw[0], 3) || !Fits(chw[1], Manifest.Input.Height) || !Fits(chw[2], Manifest.Input.Width) || (withBatch && !Fits(dims[0], 1)))
        {
            throw Mismatch($"input '{input.Name}' has shape [{string.Join(", ", dims)}]; the manifest {Manifest.Name} says [{string.Join(", ", expected)}]");
        }

        var output = _triton.Tensor(metadata.Outputs, "output", Manifest.Output, Manifest.Name);
        var outDims = output.Shape.ToArray();
        var rowsAndColumns = outDims.Length == 3 ? outDims[1..] : outDims;
        if (output.Datatype != "FP32" || rowsAndColumns.Length != 2
            || OutputDecoders.CheckShape(Manifest.Layout, rowsAndColumns[0], rowsAndColumns[1], Manifest.ClassLabels.Count, Manifest.Input.Width, Manifest.Input.Height) is { } problem && problem.Length > 0)
        {
            throw Mismatch($"output '{output.Name}' is {output.Datatype} [{string.Join(", ", outDims)}]; the manifest {Manifest.Name} ({Manifest.Layout}, {Manifest.ClassLabels.Count} labels) does not fit it");
        }

        _inputName = input.Name;
        _inputType = input.Datatype;
        _outputName = output.Name;
        _inputShape = withBatch ? expected : expected[1..];
    }

    /// <inheritdoc />
    public IReadOnlyList<Detection> Detect(Mat picture, float minConfidence, StageTimings? timings = null)
    {
        ArgumentNullException.ThrowIfNull(picture);
        if (_inputName.Length == 0)
        {
            throw new InvalidOperationException("Connect() first");
        }

        // The tensor is built in a pooled byte buffer that the request wraps without a copy: a
        // 416×416 FP32 input is 2 MB, and it would otherwise be allocated and copied per frame.
        var buffer = _buffers.TryTake(out var pooled) ? pooled : new byte[3 * Manifest.Input.Width * Manifest.Input.Height * sizeof(float)];
        try
        {
            var start = Stopwatch.GetTimestamp();
            var transform = Letterbox.Apply(picture, Manifest.Input, MemoryMarshal.Cast<byte, float>(buffer.AsSpan()));
            var request = CreateRequest(buffer);
            timings?.Add(Stage.Preprocess, start);

            start = Stopwatch.GetTimestamp();
            var response = _triton.Infer(request);
            timings?.Add(Stage.Inference, start);

            start = Stopwatch.GetTimestamp();
            var (raw, shape) = _triton.Output(response, _outputName);
            var values = MemoryMarshal.Cast<byte, float>(raw.Span);
            var detections = ModelOutput.ToDetections(Manifest, values, shape.Length == 2 ? [1, .. shape] : shape, transform, picture.Width, picture.Height, minConfidence);
            timings?.Add(Stage.Postprocess, start);
            return detections;
        }
        finally
        {
            _buffers.Add(buffer);
        }
    }

    /// <summary>
    /// The request for one letterboxed tensor (FP32, little-endian, CHW): raw contents, no typed
    /// contents. The request refers to <paramref name="tensor"/> until it has been sent.
    /// </summary>
    public ModelInferRequest CreateRequest(byte[] tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        var raw = _inputType == "UINT8"
            ? ByteString.CopyFrom(ToBytes(MemoryMarshal.Cast<byte, float>(tensor.AsSpan())))
            : UnsafeByteOperations.UnsafeWrap(tensor);
        return _triton.Request(_inputName, _inputType, _inputShape, raw, _outputName);
    }

    private static byte[] ToBytes(ReadOnlySpan<float> values)
    {
        var bytes = new byte[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            bytes[i] = (byte)Math.Clamp(values[i], 0, 255);
        }

        return bytes;
    }

    /// <inheritdoc />
    public void Dispose() => _triton.Dispose();

    private static bool Fits(long dimension, long expected) => TritonChannel.Fits(dimension, expected);

    private ConfigurationException Mismatch(string problem) => _triton.Mismatch(Manifest.Name, problem);
}
