namespace EdgeAgent.Testing;

using EdgeAgent.Common.Observations;
using EdgeAgent.Detection;
using OpenCvSharp;

/// <summary>
/// Information bands as camera makes outside the shared set burn them: a tinted near-black strip, a
/// lighter separator line along its inner edge, white and coloured text, and the maker's logo on a
/// rounded badge that rises above the strip into the picture.
/// </summary>
internal static class PaintedBand
{
    /// <summary>Paints such a band, <paramref name="bandHeight"/> pixels high, at the edge; returns the badge's box.</summary>
    public static BoundingBox Paint(Mat picture, PictureEdge edge, int bandHeight)
    {
        var top = edge == PictureEdge.Top ? 0 : picture.Height - bandHeight;
        picture.Rectangle(new Rect(0, top, picture.Width, bandHeight), new Scalar(62, 26, 12), -1);
        var separator = edge == PictureEdge.Top ? top + bandHeight - 2 : top;
        picture.Rectangle(new Rect(0, separator, picture.Width, 2), new Scalar(120, 110, 100), -1);
        var scale = bandHeight / 40.0;
        picture.PutText("11/26/2026  02:14:07  18C 64F", new Point(bandHeight / 2, top + (bandHeight * 3 / 4)), HersheyFonts.HersheySimplex, scale, Scalar.All(255), 2);
        picture.PutText("CT-07", new Point(picture.Width / 2, top + (bandHeight * 3 / 4)), HersheyFonts.HersheySimplex, scale, new Scalar(0, 220, 255), 2);

        // The badge: a rounded light plate, half again as tall as the band, its base on the strip.
        var badgeHeight = bandHeight * 3 / 2;
        var badgeTop = edge == PictureEdge.Bottom ? top + bandHeight - badgeHeight : 0;
        var badge = new Rect(picture.Width - (bandHeight * 5), badgeTop, bandHeight * 4, badgeHeight);
        picture.Rectangle(new Rect(badge.X + (badgeHeight / 2), badge.Y, badge.Width - badgeHeight, badge.Height), new Scalar(210, 210, 210), -1);
        picture.Circle(new Point(badge.X + (badgeHeight / 2), badge.Y + (badgeHeight / 2)), badgeHeight / 2, new Scalar(210, 210, 210), -1);
        picture.Circle(new Point(badge.Right - (badgeHeight / 2), badge.Y + (badgeHeight / 2)), badgeHeight / 2, new Scalar(210, 210, 210), -1);
        picture.PutText("TRAIL", new Point(badge.X + (badgeHeight / 2), badge.Y + (badgeHeight * 2 / 3)), HersheyFonts.HersheyDuplex, scale, new Scalar(30, 30, 160), 2);
        return new BoundingBox(badge.X, badge.Y, badge.Width, badge.Height);
    }

    /// <summary>The middle three quarters of a real picture's height: the scene without the band its own camera burned.</summary>
    public static Mat Scene(Mat picture) => picture[new Rect(0, picture.Height / 8, picture.Width, picture.Height * 3 / 4)].Clone();

    /// <summary>The picture as a camera writes it: JPEG at <paramref name="quality"/>, read back.</summary>
    public static Mat Encoded(Mat picture, int quality) => Cv2.ImDecode(picture.ImEncode(".jpg", [(int)ImwriteFlags.JpegQuality, quality]), ImreadModes.Color);
}
