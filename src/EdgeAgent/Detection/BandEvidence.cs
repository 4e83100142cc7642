namespace EdgeAgent.Detection;

using EdgeAgent.Common.Observations;

/// <summary>
/// What one camera's pictures say about its information band, one picture after another. The
/// maker's logo stands at the same place in every picture a camera takes; an animal, a person or a
/// vehicle does not stand still to the pixel. So a small box on the band's place that was at the
/// same place in the camera's previous picture is the overlay, even where one picture alone is
/// unclear — the band not found in this one (glare, a strip the text fills), or a badge taller than
/// <see cref="OverlayBand.Covers"/> allows — and without the static-object filter's longer history.
/// The band's place is the one found in this picture, else the one last found for the camera: a
/// camera whose band was never found gets nothing from this.
/// </summary>
public sealed class BandEvidence
{
    /// <summary>At least this IoU with a box of the previous picture is "the same place": a logo does not move, a standing animal breathes.</summary>
    public const float SamePlace = 0.9f;

    /// <summary>Tallest box, in band heights, that the evidence can make an overlay: a person or an animal close enough to reach the band is taller.</summary>
    public const float Tallest = 3f;

    private IReadOnlyList<OverlayBand> _bands = [];
    private List<BoundingBox> _previous = [];
    private (int Width, int Height) _size;

    /// <summary>Whether <paramref name="box"/> lies on the band's place and stood there in the previous picture too.</summary>
    /// <param name="box">A detection's box in a picture <paramref name="width"/> × <paramref name="height"/>.</param>
    /// <param name="found">The bands found in this picture (may be none).</param>
    /// <param name="width">The picture's width.</param>
    /// <param name="height">The picture's height.</param>
    public bool Repeats(BoundingBox box, IReadOnlyList<OverlayBand> found, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(found);
        return _size == (width, height)
            && OnBand(box, found.Count > 0 ? found : _bands, height)
            && _previous.Any(p => p.IntersectionOverUnion(box) >= SamePlace);
    }

    /// <summary>Remembers a picture of the camera — its bands, if any were found, and the boxes on the band's place — for the next one.</summary>
    public void Remember(IReadOnlyList<OverlayBand> found, IEnumerable<Detection> detections, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(found);
        ArgumentNullException.ThrowIfNull(detections);
        if (found.Count > 0 || _size != (width, height))
        {
            // A camera set to another resolution burns its band at another size.
            _bands = found;
        }

        _size = (width, height);
        _previous = detections.Select(d => d.Box).Where(b => OnBand(b, _bands, height)).ToList();
    }

    /// <summary>A box that reaches into a band's strip and is no taller than <see cref="Tallest"/> band heights.</summary>
    private static bool OnBand(BoundingBox box, IReadOnlyList<OverlayBand> bands, int height) => bands.Any(b =>
    {
        var bandHeight = b.Share * height;
        var onStrip = b.Edge == PictureEdge.Top ? box.Y < bandHeight : box.Y + box.Height > height - bandHeight;
        return onStrip && box.Height <= Tallest * bandHeight;
    });
}
