namespace EdgeAgent.Detection;

using EdgeAgent.Common.Observations;

/// <summary>Which edge of the picture a band runs along.</summary>
public enum PictureEdge
{
    /// <summary>Along the top.</summary>
    Top,

    /// <summary>Along the bottom.</summary>
    Bottom,
}

/// <summary>
/// A camera trap's burned-in information band — date, time, temperature, moon phase and the maker's
/// logo on a near-black or near-white strip (tinted, JPEG-noisy, sometimes with a lighter separator
/// line along its inner edge) at the top or bottom — as a share of the picture's height. A COCO model
/// calls the logo a car; a detection lying mostly on the band, or a box no taller than the logo's
/// badge that starts on the band (badges rise above the strip), is the overlay, not an object. An
/// animal at the edge, partly behind the band, reaches well above it and is kept.
/// </summary>
/// <param name="Edge">The edge it runs along.</param>
/// <param name="Share">Its height as a share of the picture's height.</param>
public readonly record struct OverlayBand(PictureEdge Edge, float Share)
{
    /// <summary>A detection whose box lies at least this much on the band is the band's.</summary>
    public const float MostlyOn = 0.5f;

    /// <summary>A box that starts on the band and is at most this many band heights tall is the logo's badge, however far it rises above the strip.</summary>
    public const float BadgeHeight = 2f;

    /// <summary>Whether <paramref name="box"/> (in a picture <paramref name="width"/> × <paramref name="height"/>) lies mostly on the band.</summary>
    public bool Covers(BoundingBox box, int width, int height)
    {
        var bandHeight = Share * height;
        var (top, bottom) = Edge == PictureEdge.Top ? (0f, bandHeight) : (height - bandHeight, (float)height);
        var overlap = Math.Max(0, Math.Min(box.Y + box.Height, bottom) - Math.Max(box.Y, top));
        if (box.Height <= 0)
        {
            return false;
        }

        // The badge: a box rooted on the strip (a quarter of the band deep at least) and not much taller than it.
        var rooted = Edge == PictureEdge.Bottom ? box.Y + box.Height >= top + (bandHeight / 4) : box.Y <= bottom - (bandHeight / 4);
        return overlap / box.Height >= MostlyOn || (rooted && overlap > 0 && box.Height <= BadgeHeight * bandHeight);
    }
}
