namespace EdgeAgent.Recording;

using System.Globalization;
using EdgeAgent.Common.Observations;
using OpenCvSharp;

/// <summary>Draws detections onto a picture: a box, the label and the score, coloured by category.</summary>
public static class PictureAnnotator
{
    /// <summary>Draws in place on 8-bit BGR pixels. Boxes are in the pixels' own coordinates.</summary>
    public static void Draw(Mat pixels, IEnumerable<Detection> detections)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        ArgumentNullException.ThrowIfNull(detections);
        var thickness = Math.Max(2, Math.Max(pixels.Width, pixels.Height) / 400);
        var fontScale = Math.Max(0.5, Math.Max(pixels.Width, pixels.Height) / 1400.0);
        foreach (var d in detections)
        {
            var colour = Colour(d.Category);
            var box = new Rect((int)d.Box.X, (int)d.Box.Y, (int)d.Box.Width, (int)d.Box.Height);
            Cv2.Rectangle(pixels, box, colour, thickness);

            var text = $"{d.Label} {d.Confidence.ToString("0.00", CultureInfo.InvariantCulture)}";
            var size = Cv2.GetTextSize(text, HersheyFonts.HersheySimplex, fontScale, thickness / 2 + 1, out var baseline);
            // The label sits above the box, or inside it when the box touches the top edge.
            var top = box.Y - size.Height - baseline >= 0 ? box.Y - size.Height - baseline : box.Y;
            Cv2.Rectangle(pixels, new Rect(box.X, top, size.Width + 4, size.Height + baseline), colour, -1);
            Cv2.PutText(pixels, text, new Point(box.X + 2, top + size.Height), HersheyFonts.HersheySimplex, fontScale, Scalar.White, thickness / 2 + 1, LineTypes.AntiAlias);
        }
    }

    /// <summary>
    /// A JPEG of a copy of <paramref name="pixels"/> with the detections drawn; boxes are in original
    /// picture pixels, the pixels possibly a decode reduced by <paramref name="decodeScale"/>.
    /// </summary>
    public static byte[] Annotate(Mat pixels, float decodeScale, IEnumerable<Detection> detections)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        using var copy = pixels.Clone();
        Draw(copy, decodeScale == 1f ? detections : detections.Select(d => d with { Box = d.Box.Scale(1 / decodeScale) }));
        return EncodeJpeg(copy);
    }

    /// <summary>Encodes as JPEG at the given quality.</summary>
    public static byte[] EncodeJpeg(Mat pixels, int quality = 85) =>
        pixels.ImEncode(".jpg", new ImageEncodingParam(ImwriteFlags.JpegQuality, quality));

    private static Scalar Colour(DetectionCategory category) => category switch
    {
        DetectionCategory.Person => new Scalar(40, 40, 220),   // red: people are what rangers act on
        DetectionCategory.Vehicle => new Scalar(0, 140, 255),  // orange
        _ => new Scalar(60, 170, 60),                          // green: animals
    };
}
