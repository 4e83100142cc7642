namespace EdgeAgent.Species;

using EdgeAgent.Common.Observations;
using EdgeAgent.Detection;
using OpenCvSharp;

/// <summary>
/// What a classifier takes and gives, wherever it runs: the padded square crops of a picture's boxes
/// as one normalised NCHW tensor, and the scores per crop from its output.
/// </summary>
public static class CropBatch
{
    /// <summary>The crops of <paramref name="boxes"/> in <paramref name="picture"/> as the classifier's input tensor, [N, 3, height, width].</summary>
    public static float[] Tensor(Mat picture, IReadOnlyList<BoundingBox> boxes, ClassifierManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(picture);
        ArgumentNullException.ThrowIfNull(boxes);
        ArgumentNullException.ThrowIfNull(manifest);
        var spec = manifest.Input;
        var crops = boxes.Select(b => SquareCrop(picture, b, manifest.CropPadding, spec.Width, spec.Height)).ToArray();
        var tensor = new float[boxes.Count * 3 * spec.Width * spec.Height];
        try
        {
            Fill(crops, spec, tensor);
        }
        finally
        {
            foreach (var crop in crops)
            {
                crop.Dispose();
            }
        }

        return tensor;
    }

    /// <summary>Each crop's scores from the output [N, classes], made probabilities when the manifest says the model gives logits.</summary>
    public static float[][] Scores(ReadOnlySpan<float> output, int crops, ClassifierManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var classes = manifest.Labels.Count;
        var result = new float[crops][];
        for (var i = 0; i < crops; i++)
        {
            result[i] = output.Slice(i * classes, classes).ToArray();
            if (manifest.Softmax)
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
}
