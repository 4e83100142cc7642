namespace EdgeAgent.Sync;

using EdgeAgent.Recording;
using OpenCvSharp;

/// <summary>Alert pictures made small for a metered link.</summary>
public static class Thumbnails
{
    /// <summary>The picture shrunk to <paramref name="width"/> pixels wide (never enlarged), as JPEG; a picture that cannot be decoded travels as it is.</summary>
    public static byte[] Shrink(byte[] jpeg, int width)
    {
        ArgumentNullException.ThrowIfNull(jpeg);
        using var picture = Cv2.ImDecode(jpeg, ImreadModes.Color);
        if (picture.Empty())
        {
            return jpeg;
        }

        var scale = Math.Min(1.0, (double)width / picture.Width);
        using var small = picture.Resize(new Size(), scale, scale, InterpolationFlags.Area);
        return PictureAnnotator.EncodeJpeg(small, 70);
    }
}
