namespace EdgeAgent.Detection;

using EdgeAgent.Common.Observations;
using OpenCvSharp;

/// <summary>How a letterboxed input relates to the picture it came from.</summary>
/// <param name="Scale">Input pixels per picture pixel.</param>
/// <param name="PadX">Padding left of the picture, in input pixels.</param>
/// <param name="PadY">Padding above the picture, in input pixels.</param>
public readonly record struct LetterboxTransform(float Scale, float PadX, float PadY)
{
    /// <summary>Maps a box from model-input space back to picture pixels.</summary>
    public BoundingBox ToPicture(float x1, float y1, float x2, float y2) => BoundingBox.FromCorners(
        (x1 - PadX) / Scale,
        (y1 - PadY) / Scale,
        (x2 - PadX) / Scale,
        (y2 - PadY) / Scale);
}

/// <summary>
/// Resizes a picture into the model's input keeping its aspect ratio, pads the rest with the fill
/// grey and writes it as a planar (CHW) float tensor. All pixel work is done by OpenCV's native
/// code: no per-pixel managed calls.
/// </summary>
public static class Letterbox
{
    /// <summary>Fills <paramref name="tensor"/> (3 × height × width floats) from a BGR picture.</summary>
    public static LetterboxTransform Apply(Mat picture, ModelInputSpec spec, Span<float> tensor)
    {
        ArgumentNullException.ThrowIfNull(picture);
        ArgumentNullException.ThrowIfNull(spec);
        if (picture.Empty() || picture.Type() != MatType.CV_8UC3)
        {
            throw new ArgumentException($"expected a non-empty 8-bit BGR picture, got {picture.Type()} {picture.Width}×{picture.Height}", nameof(picture));
        }

        var planeSize = spec.Width * spec.Height;
        if (tensor.Length != 3 * planeSize)
        {
            throw new ArgumentException($"tensor holds {tensor.Length} floats; the input needs {3 * planeSize}", nameof(tensor));
        }

        var scale = MathF.Min((float)spec.Width / picture.Width, (float)spec.Height / picture.Height);
        var width = Math.Clamp((int)MathF.Round(picture.Width * scale), 1, spec.Width);
        var height = Math.Clamp((int)MathF.Round(picture.Height * scale), 1, spec.Height);
        var (padX, padY) = spec.LetterboxPlacement == LetterboxPlacement.Center
            ? ((spec.Width - width) / 2, (spec.Height - height) / 2)
            : (0, 0);

        using var canvas = new Mat(spec.Height, spec.Width, MatType.CV_8UC3, Scalar.All(spec.LetterboxFill));
        using (var inner = canvas[new Rect(padX, padY, width, height)])
        {
            if (width == picture.Width && height == picture.Height)
            {
                picture.CopyTo(inner);
            }
            else
            {
                Cv2.Resize(picture, inner, new Size(width, height), 0, 0, InterpolationFlags.Linear);
            }
        }

        // blobFromImage converts HWC bytes to CHW floats, scales them and swaps channels in one native pass.
        using var blob = OpenCvSharp.Dnn.CvDnn.BlobFromImage(
            canvas, spec.PixelScale, default, default, swapRB: spec.ColorOrder == ColorOrder.Rgb, crop: false);
        unsafe
        {
            new ReadOnlySpan<float>((void*)blob.Data, 3 * planeSize).CopyTo(tensor);
        }

        return new LetterboxTransform(scale, padX, padY);
    }
}
