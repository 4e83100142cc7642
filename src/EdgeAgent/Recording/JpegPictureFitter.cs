namespace EdgeAgent.Recording;

using EdgeAgent.Alerting.Senders;
using OpenCvSharp;

/// <summary>
/// Fits an alert picture under the e-mail size cap: first lower JPEG quality, then smaller sizes,
/// because a ranger on a satellite link would rather see a small picture now than a sharp one never.
/// </summary>
public sealed class JpegPictureFitter : IPictureFitter
{
    private static readonly int[] Qualities = [85, 70, 55, 40];

    /// <inheritdoc />
    public byte[]? Fit(byte[] jpeg, int maxBytes)
    {
        ArgumentNullException.ThrowIfNull(jpeg);
        if (jpeg.Length <= maxBytes)
        {
            return jpeg;
        }

        using var picture = Cv2.ImDecode(jpeg, ImreadModes.Color);
        if (picture.Empty())
        {
            return null;
        }

        var longSide = Math.Max(picture.Width, picture.Height);
        for (var scale = 1.0; scale * longSide >= 160; scale *= 0.7)
        {
            using var resized = scale < 1 ? picture.Resize(new Size(), scale, scale, InterpolationFlags.Area) : picture.Clone();
            foreach (var quality in Qualities)
            {
                var encoded = PictureAnnotator.EncodeJpeg(resized, quality);
                if (encoded.Length <= maxBytes)
                {
                    return encoded;
                }
            }
        }

        return null;
    }
}
