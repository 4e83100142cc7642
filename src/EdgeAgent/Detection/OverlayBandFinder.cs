namespace EdgeAgent.Detection;

using OpenCvSharp;

/// <summary>
/// Finds a picture's <see cref="OverlayBand"/>s by their look: a strip of one black or white grey,
/// edge to edge, carrying text. Tuned on real camera traps' bands, JPEG-compressed and tinted.
/// </summary>
public static class OverlayBandFinder
{
    // The rows are measured on a copy this wide, sampled rather than averaged.
    private const int ProbeWidth = 256;

    // A band row: this share of its pixels within Tolerance of the row's commonest grey (wide enough
    // for JPEG noise at quality 60 and a tinted strip).
    private const double UniformRow = 0.55;

    private const int Tolerance = 10;

    // The strip's rows keep its grey: a row whose commonest grey drifts further is the picture.
    private const int ModeDrift = 6;

    // A band carries text: some of its rows have this share of pixels at the other extreme from the
    // strip (white on black, black on white). A dark forest floor or a black car has none.
    private const double TextShare = 0.01;
    private const int TextContrast = 120;

    // A band runs from edge to edge: on some of its rows, both ends (this share of the width each) are the strip's grey.
    private const double EndShare = 0.03;

    // Bands are black or white strips; a row's commonest grey within this of 0 or 255.
    private const int Extreme = 40;

    // A band is 1.5–12 % of the picture's height: thinner is a frame line, thicker is sky or ground.
    private const float MinShare = 0.015f;
    private const float MaxShare = 0.12f;

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
        var text = Text(pixels, width, RowAt(0), firstMode);
        var edgeToEdge = EdgeToEdge(pixels, width, RowAt(0), firstMode);
        for (var i = 1; i <= limit && i < height; i++)
        {
            var (uniform, mode) = Row(pixels, width, RowAt(i));
            if (uniform >= UniformRow && Math.Abs(mode - firstMode) <= ModeDrift)
            {
                // Text is looked for on the strip's own rows only, not on the picture past its end.
                text = Math.Max(text, Text(pixels, width, RowAt(i), firstMode));
                edgeToEdge |= EdgeToEdge(pixels, width, RowAt(i), firstMode);
                continue;
            }

            // The strip ends here: a band only if the next row is not the strip either (a text line's gap).
            var (next, nextMode) = i + 1 < height ? Row(pixels, width, RowAt(i + 1)) : (0, 0);
            if (next >= UniformRow && Math.Abs(nextMode - firstMode) <= ModeDrift)
            {
                continue;
            }

            var share = (float)i / height;
            return share >= MinShare && text >= TextShare && edgeToEdge ? share : null;
        }

        // Still uniform past 12 %: sky, ground or a blank frame, not a band.
        return null;
    }

    /// <summary>Whether both ends of a row are mostly the strip's grey (a black vehicle at the edge covers one end, not both).</summary>
    private static bool EdgeToEdge(byte[] pixels, int width, int row, int stripMode)
    {
        var end = Math.Max(2, (int)Math.Round(width * EndShare));
        var offset = row * width;
        bool Mostly(int from)
        {
            var near = 0;
            for (var x = from; x < from + end; x++)
            {
                near += Math.Abs(pixels[offset + x] - stripMode) <= Tolerance ? 1 : 0;
            }

            return near * 2 >= end;
        }

        return Mostly(0) && Mostly(width - end);
    }

    /// <summary>The share of a row's pixels far from the strip's grey, on its other side: its text.</summary>
    private static double Text(byte[] pixels, int width, int row, int stripMode)
    {
        var offset = row * width;
        var far = 0;
        for (var x = 0; x < width; x++)
        {
            var v = pixels[offset + x];
            far += stripMode < 128 ? (v >= stripMode + TextContrast ? 1 : 0) : (v <= stripMode - TextContrast ? 1 : 0);
        }

        return (double)far / width;
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
