namespace EdgeAgent.Detection;

using EdgeAgent.Common.Observations;
using OpenCvSharp;

/// <summary>
/// Runs the inner detector on the whole picture and on overlapping model-size tiles of it, then
/// merges: a 30-pixel antelope in a 4000-pixel frame vanishes when the frame is shrunk to 416
/// pixels, but is plain in a tile.
/// </summary>
public sealed class TilingDetector(IDetector inner, TilingOptions options) : IDetector
{
    /// <summary>
    /// A tile's box that lies mostly inside a better box of the same label is the same animal cut
    /// by the tile's edge; plain IoU would keep both.
    /// </summary>
    private const float ContainedFraction = 0.6f;

    /// <inheritdoc />
    public ModelManifest Manifest => inner.Manifest;

    /// <inheritdoc />
    public bool InfersOffCpu => inner.InfersOffCpu;

    /// <inheritdoc />
    public string RunsOn => inner.RunsOn;

    /// <inheritdoc />
    public IReadOnlyList<Detection> Detect(Mat picture, float minConfidence, StageTimings? timings = null) => Detect(picture, minConfidence, timings, null);

    /// <inheritdoc />
    public IReadOnlyList<Detection> Detect(Mat picture, float minConfidence, StageTimings? timings, string? source, bool classify = true)
    {
        ArgumentNullException.ThrowIfNull(picture);
        var all = new List<Detection>(inner.Detect(picture, minConfidence, timings, source, classify));
        int tileWidth = Manifest.Input.Width, tileHeight = Manifest.Input.Height;
        if (picture.Width <= tileWidth && picture.Height <= tileHeight)
        {
            return all;
        }

        foreach (var y in TileStarts(picture.Height, tileHeight, options.Overlap))
        {
            foreach (var x in TileStarts(picture.Width, tileWidth, options.Overlap))
            {
                var tile = new Rect(x, y, Math.Min(tileWidth, picture.Width - x), Math.Min(tileHeight, picture.Height - y));
                using var view = picture[tile];
                all.AddRange(inner.Detect(view, minConfidence, timings, source, classify).Select(d => d with { Box = d.Box.Offset(x, y) }));
            }
        }

        return Merge(NonMaxSuppression.Apply(all, Manifest.NmsIou));
    }

    /// <inheritdoc />
    public void Dispose() => inner.Dispose();

    /// <summary>Tile origins along one axis: evenly stepped, the last one flush with the far edge.</summary>
    internal static IEnumerable<int> TileStarts(int length, int tile, float overlap)
    {
        var step = Math.Max(1, (int)(tile * (1 - Math.Clamp(overlap, 0f, 0.9f))));
        for (var start = 0; ; start += step)
        {
            if (start + tile >= length)
            {
                yield return Math.Max(0, length - tile);
                yield break;
            }

            yield return start;
        }
    }

    private static List<Detection> Merge(List<Detection> best)
    {
        var kept = new List<Detection>(best.Count);
        foreach (var detection in best)
        {
            var inside = kept.Any(k => k.Label == detection.Label && IntersectionOverOwnArea(detection.Box, k.Box) >= ContainedFraction);
            if (!inside)
            {
                kept.Add(detection);
            }
        }

        return kept;
    }

    private static float IntersectionOverOwnArea(BoundingBox box, BoundingBox other)
    {
        var w = MathF.Min(box.Right, other.Right) - MathF.Max(box.X, other.X);
        var h = MathF.Min(box.Bottom, other.Bottom) - MathF.Max(box.Y, other.Y);
        return w <= 0 || h <= 0 || box.Area <= 0 ? 0 : w * h / box.Area;
    }
}
