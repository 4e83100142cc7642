namespace EdgeAgent.Recording;

using OpenCvSharp;

/// <summary>Alert pictures made smaller: for the station page and for a metered link to the central database.</summary>
public static class Thumbnails
{
    /// <summary>
    /// The picture at most <paramref name="width"/> pixels wide, as JPEG of <paramref name="quality"/>;
    /// one already that narrow, or that cannot be decoded, as it is.
    /// </summary>
    public static byte[] Shrink(byte[] jpeg, int width, int quality)
    {
        ArgumentNullException.ThrowIfNull(jpeg);
        using var picture = Cv2.ImDecode(jpeg, ImreadModes.Color);
        if (picture.Empty() || picture.Cols <= width)
        {
            return jpeg;
        }

        using var small = picture.Resize(new Size(width, Math.Max(1, picture.Rows * width / picture.Cols)), interpolation: InterpolationFlags.Area);
        return PictureAnnotator.EncodeJpeg(small, quality);
    }
}
