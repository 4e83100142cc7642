namespace EdgeAgent.Maps;

using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Prepared;
using NetTopologySuite.Operation.Union;

/// <summary>
/// Places the map's labels so that none covers another, a camera's mark, the scale bar or the north
/// arrow: a camera's beside its mark, a zone's inside its zone as near its middle as it fits (a zone
/// too small for its name gets it beside its middle). Labels are placed in the order asked, so what
/// matters most goes first. Text sizes are estimated from the font size on the generous side, as the
/// page's font is not known here.
/// </summary>
internal sealed class MapLabels(double width, double height)
{
    /// <summary>The mean width of a character in font sizes: mixed-case sans-serif (DejaVu, Liberation) with room to spare; 4 pixels more are added.</summary>
    private const double CharacterWidth = 0.58;

    private readonly List<Envelope> _taken = [];

    /// <summary>Keeps labels off <paramref name="area"/> (a mark, the scale bar).</summary>
    public void Reserve(Envelope area) => _taken.Add(area);

    /// <summary>Where a label goes beside a mark at (<paramref name="x"/>, <paramref name="y"/>): its centre and baseline.</summary>
    public (double X, double Y) Beside(double x, double y, string text, double fontSize, double clearance)
    {
        var (w, h) = Size(text, fontSize);
        for (var ring = 0; ring < 4; ring++)
        {
            var (dx, dy) = (clearance + (w / 2) + (ring * h), clearance + (h / 2) + (ring * h));
            foreach (var (cx, cy) in new[] { (x + dx, y), (x - dx, y), (x, y - dy), (x, y + dy), (x + dx, y - dy), (x - dx, y - dy), (x + dx, y + dy), (x - dx, y + dy) })
            {
                var box = Box(cx, cy, w, h);
                if (OnMap(box) && Free(box))
                {
                    return Take(box, cx, cy, h);
                }
            }
        }

        // Crowded all round: to the right, where a reader looks first.
        return Baseline(x + clearance + (w / 2), y, h);
    }

    /// <summary>
    /// Where a zone's label goes inside <paramref name="zone"/> (in pixels): its centre and baseline.
    /// Where there is room, in the part that none of <paramref name="smaller"/> (the smaller zones)
    /// covers, so that a park's name is not read as that of a crossing inside it.
    /// </summary>
    public (double X, double Y) Inside(Geometry zone, IEnumerable<Geometry> smaller, string text, double fontSize)
    {
        var (w, h) = Size(text, fontSize);
        var middle = zone.InteriorPoint.Coordinate;
        foreach (var area in new[] { OwnPart(zone, smaller), zone }.OfType<Geometry>())
        {
            if (Within(area, middle, w, h) is { } found)
            {
                return Take(Box(found.X, found.Y, w, h), found.X, found.Y, h);
            }
        }

        return Beside(middle.X, middle.Y, text, fontSize, 0);
    }

    private static Geometry? OwnPart(Geometry zone, IEnumerable<Geometry> smaller)
    {
        try
        {
            var own = zone.Difference(UnaryUnionOp.Union(smaller.ToList()) ?? zone.Factory.CreateEmpty(Dimension.Surface));
            return own.IsEmpty ? null : own;
        }
        catch (TopologyException)
        {
            return null; // Zones that touch in odd ways: their label goes anywhere in the zone.
        }
    }

    /// <summary>The free spot for a w × h box inside <paramref name="area"/> nearest <paramref name="middle"/>, on a grid over its extent.</summary>
    private (double X, double Y)? Within(Geometry area, Coordinate middle, double w, double h)
    {
        var bounds = area.EnvelopeInternal.Intersection(new Envelope(0, width, 0, height));
        if (bounds.IsNull)
        {
            return null;
        }

        // Fine enough for a label to fit in narrow parts, coarse enough to stay cheap.
        var prepared = PreparedGeometryFactory.Prepare(area);
        var step = Math.Max(3, Math.Max(bounds.Width, bounds.Height) / 48);
        var best = (Distance: double.MaxValue, X: 0.0, Y: 0.0);
        for (var cy = bounds.MinY + (h / 2); cy <= bounds.MaxY - (h / 2); cy += step)
        {
            for (var cx = bounds.MinX + (w / 2); cx <= bounds.MaxX - (w / 2); cx += step)
            {
                var distance = Math.Pow(cx - middle.X, 2) + Math.Pow(cy - middle.Y, 2);
                if (distance < best.Distance && Free(Box(cx, cy, w, h)) && prepared.Contains(area.Factory.ToGeometry(Box(cx, cy, w, h))))
                {
                    best = (distance, cx, cy);
                }
            }
        }

        return best.Distance < double.MaxValue ? (best.X, best.Y) : null;
    }

    private static (double Width, double Height) Size(string text, double fontSize) => ((text.Length * fontSize * CharacterWidth) + 4, fontSize * 1.3);

    private static Envelope Box(double cx, double cy, double w, double h) => new(cx - (w / 2), cx + (w / 2), cy - (h / 2), cy + (h / 2));

    /// <summary>SVG places text by its baseline: about a third of the line below the box's middle.</summary>
    private static (double X, double Y) Baseline(double cx, double cy, double h) => (cx, cy + (h * 0.3));

    private bool OnMap(Envelope box) => box.MinX >= 0 && box.MaxX <= width && box.MinY >= 0 && box.MaxY <= height;

    private bool Free(Envelope box) => !_taken.Any(t => t.Intersects(box));

    private (double X, double Y) Take(Envelope box, double cx, double cy, double h)
    {
        _taken.Add(box);
        return Baseline(cx, cy, h);
    }
}
