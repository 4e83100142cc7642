namespace EdgeAgent.Species;

using EdgeAgent.Common.Observations;
using EdgeAgent.Common;
using EdgeAgent.Detection;
using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;
using OpenCvSharp;

/// <summary>
/// Runs a species classifier with ONNX Runtime on the detector's execution provider: the crops of a
/// frame's animal boxes go in one batch, and each gets its class scores. Thread-safe, like the detector.
/// </summary>
public sealed class SpeciesClassifier : IDisposable
{
    private readonly InferenceSession _session;
    private readonly string _input;
    private readonly string _output;
    private readonly int _classes;
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

            _classes = manifest.Labels.Count;
        }
        catch
        {
            _session.Dispose();
            throw;
        }
    }

    /// <summary>The classifier's manifest.</summary>
    public ClassifierManifest Manifest { get; }

    /// <summary>The execution provider that runs it.</summary>
    public ExecutionProvider Provider { get; }

    /// <summary>Class scores (probabilities) of each box's crop of <paramref name="picture"/> (8-bit BGR), in one batch.</summary>
    public float[][] Classify(Mat picture, IReadOnlyList<BoundingBox> boxes)
    {
        ArgumentNullException.ThrowIfNull(picture);
        ArgumentNullException.ThrowIfNull(boxes);
        if (boxes.Count == 0)
        {
            return [];
        }

        var spec = Manifest.Input;
        var crops = boxes.Select(b => SquareCrop(picture, b, Manifest.CropPadding, spec.Width, spec.Height)).ToArray();
        var batch = new float[boxes.Count * 3 * spec.Width * spec.Height];
        try
        {
            Fill(crops, spec, batch);
        }
        finally
        {
            foreach (var crop in crops)
            {
                crop.Dispose();
            }
        }

        using var input = OrtValue.CreateTensorValueFromMemory(batch, [boxes.Count, 3, spec.Height, spec.Width]);
        using var outputs = _session.Run(_runOptions, [_input], [input], [_output]);
        var scores = outputs[0].GetTensorDataAsSpan<float>();
        var result = new float[boxes.Count][];
        for (var i = 0; i < boxes.Count; i++)
        {
            result[i] = scores.Slice(i * _classes, _classes).ToArray();
            if (Manifest.Softmax)
            {
                Softmax(result[i]);
            }
        }

        return result;
    }

    /// <summary>
    /// The box made square around its centre and grown by <paramref name="padding"/>, resized to the
    /// input: an animal keeps its proportions; what lies beyond the picture is black.
    /// </summary>
    internal static Mat SquareCrop(Mat picture, BoundingBox box, float padding, int width, int height)
    {
        var side = Math.Max(1, (int)MathF.Ceiling(Math.Max(box.Width, box.Height) * (1 + padding)));
        var left = (int)MathF.Round(box.X + (box.Width / 2) - (side / 2f));
        var top = (int)MathF.Round(box.Y + (box.Height / 2) - (side / 2f));
        var inside = new Rect(left, top, side, side).Intersect(new Rect(0, 0, picture.Width, picture.Height));
        using var square = new Mat(side, side, MatType.CV_8UC3, Scalar.All(0));
        if (inside.Width > 0 && inside.Height > 0)
        {
            using var source = new Mat(picture, inside);
            using var target = new Mat(square, new Rect(inside.X - left, inside.Y - top, inside.Width, inside.Height));
            source.CopyTo(target);
        }

        var resized = new Mat();
        Cv2.Resize(square, resized, new Size(width, height), interpolation: side > width ? InterpolationFlags.Area : InterpolationFlags.Linear);
        return resized;
    }

    /// <summary>
    /// The crops as one NCHW tensor: OpenCV turns the bytes into 0–1 floats in the model's channel
    /// order in one native pass; each channel plane is then normalised by its mean and deviation.
    /// </summary>
    private static void Fill(Mat[] crops, ClassifierInputSpec spec, float[] tensor)
    {
        using var blob = OpenCvSharp.Dnn.CvDnn.BlobFromImages(crops, 1 / 255.0, default, default, swapRB: spec.ColorOrder == ColorOrder.Rgb, crop: false);
        unsafe
        {
            new ReadOnlySpan<float>((void*)blob.Data, tensor.Length).CopyTo(tensor);
        }

        var plane = spec.Width * spec.Height;
        for (var start = 0; start < tensor.Length; start += plane)
        {
            var channel = start / plane % 3;
            var (mean, scale) = (spec.Mean[channel], 1 / spec.Std[channel]);
            foreach (ref var value in tensor.AsSpan(start, plane))
            {
                value = (value - mean) * scale;
            }
        }
    }

    private static void Softmax(float[] values)
    {
        var max = values.Max();
        var sum = 0f;
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = MathF.Exp(values[i] - max);
            sum += values[i];
        }

        for (var i = 0; i < values.Length; i++)
        {
            values[i] /= sum;
        }
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
