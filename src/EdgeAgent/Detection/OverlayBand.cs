namespace EdgeAgent.Detection;

using EdgeAgent.Alerting.Observations;
using OpenCvSharp;

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
/// logo on a black or white strip along the top or bottom edge — as a share of the picture's height.
/// A COCO model calls the logo a car; a detection that lies mostly on the band is the overlay, not an
/// object. An animal at the edge, partly behind the band, reaches well above it and is kept.
/// </summary>
/// <param name="Edge">The edge it runs along.</param>
/// <param name="Share">Its height as a share of the picture's height.</param>
public readonly record struct OverlayBand(PictureEdge Edge, float Share)
{
    /// <summary>A detection whose box lies at least this much on the band is the band's.</summary>
    public const float MostlyOn = 0.5f;

    // The rows are measured on a copy this wide, sampled rather than averaged: a burned-in strip is
    // one exact grey, while a dark night sky keeps its sensor noise and is not taken for one.
    private const int ProbeWidth = 256;

    // A band row: this share of its pixels within Tolerance of the row's commonest grey.
    private const double UniformRow = 0.55;

    private const int Tolerance = 3;

    // Bands are black or white strips; a row's commonest grey within this of 0 or 255.
    private const int Extreme = 40;

    // A band is 1.5–12 % of the picture's height: thinner is a frame line, thicker is sky or ground.
    private const float MinShare = 0.015f;
    private const float MaxShare = 0.12f;

    /// <summary>Whether <paramref name="box"/> (in a picture <paramref name="width"/> × <paramref name="height"/>) lies mostly on the band.</summary>
    public bool Covers(BoundingBox box, int width, int height)
    {
        var bandHeight = Share * height;
        var (top, bottom) = Edge == PictureEdge.Top ? (0f, bandHeight) : (height - bandHeight, (float)height);
        var overlap = Math.Max(0, Math.Min(box.Y + box.Height, bottom) - Math.Max(box.Y, top));
        return box.Height > 0 && overlap / box.Height >= MostlyOn;
    }

    /// <summary>
    /// The bands of a picture (8-bit BGR): from each edge, rows whose pixels are mostly one black or
    /// white grey — the strip, broken only by its text and logo — ending within 12 % of the height at
    /// a row of another grey. A uniform dark sky or bright overexposure runs on past that and is no band.
    /// </summary>
    public static IReadOnlyList<OverlayBand> Find(Mat picture)
    {
        ArgumentNullException.ThrowIfNull(picture);
        var (width, height) = (picture.Width, picture.Height);
        if (picture.Empty() || width < 16 || height < 16)
        {
            return [];
        }

        using var grey = new Mat();
        using var small = new Mat();
        var probeHeight = Math.Max(16, (int)Math.Round((double)height * ProbeWidth / width));
        Cv2.Resize(picture, small, new Size(ProbeWidth, probeHeight), 0, 0, InterpolationFlags.Nearest);
        if (small.Channels() == 3)
        {
            Cv2.CvtColor(small, grey, ColorConversionCodes.BGR2GRAY);
        }
        else
        {
            small.CopyTo(grey);
        }

        grey.GetArray(out byte[] pixels);
        var bands = new List<OverlayBand>(2);
        foreach (var edge in new[] { PictureEdge.Top, PictureEdge.Bottom })
        {
            if (Measure(pixels, ProbeWidth, probeHeight, edge) is { } share)
            {
                bands.Add(new OverlayBand(edge, share));
            }
        }

        return bands;
    }

    private static float? Measure(byte[] pixels, int width, int height, PictureEdge edge)
    {
        int RowAt(int i) => edge == PictureEdge.Top ? i : height - 1 - i;
        var (first, firstMode) = Row(pixels, width, RowAt(0));
        if (first < UniformRow || firstMode is > Extreme and < 255 - Extreme)
        {
            return null;
        }

        var limit = (int)Math.Ceiling(height * MaxShare);
        for (var i = 1; i <= limit && i < height; i++)
        {
            var (uniform, mode) = Row(pixels, width, RowAt(i));
            if (uniform >= UniformRow && Math.Abs(mode - firstMode) <= 2 * Tolerance)
            {
                continue;
            }

            // The strip ends here: a band only if the next row is not the strip either (a text line's gap).
            var (next, nextMode) = i + 1 < height ? Row(pixels, width, RowAt(i + 1)) : (0, 0);
            if (next >= UniformRow && Math.Abs(nextMode - firstMode) <= 2 * Tolerance)
            {
                continue;
            }

            var share = (float)i / height;
            return share >= MinShare ? share : null;
        }

        // Still uniform past 12 %: sky, ground or a blank frame, not a band.
        return null;
    }

    private static (double Uniform, int Mode) Row(byte[] pixels, int width, int row)
    {
        Span<int> histogram = stackalloc int[256];
        var offset = row * width;
        for (var x = 0; x < width; x++)
        {
            histogram[pixels[offset + x]]++;
        }

        var mode = 0;
        for (var v = 1; v < 256; v++)
        {
            if (histogram[v] > histogram[mode])
            {
                mode = v;
            }
        }

        var near = 0;
        for (var v = Math.Max(0, mode - Tolerance); v <= Math.Min(255, mode + Tolerance); v++)
        {
            near += histogram[v];
        }

        return ((double)near / width, mode);
    }
}
