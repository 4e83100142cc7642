namespace EdgeAgent.Detection;

using System.Text.Json;
using EdgeAgent.Common.Observations;
using OpenCvSharp;

/// <summary>Whether mask points are pixels or fractions of the picture's width and height.</summary>
public enum MaskUnits
{
    /// <summary>0–1 of the picture's size: one mask fits every resolution the camera uses.</summary>
    Normalized,

    /// <summary>Pixels of the full-size picture.</summary>
    Pixels,
}

/// <summary>One masked area of a camera's view.</summary>
public sealed record MaskPolygon
{
    /// <summary>Corners, as [x, y] pairs, in order.</summary>
    public required IReadOnlyList<float[]> Points { get; init; }

    /// <summary>Units of <see cref="Points"/>.</summary>
    public MaskUnits Units { get; init; } = MaskUnits.Normalized;

    /// <summary>What is wrong with each of <paramref name="masks"/>, as <c>:Masks:N:Points…: what</c>.</summary>
    public static IEnumerable<string> Problems(IReadOnlyList<MaskPolygon> masks)
    {
        ArgumentNullException.ThrowIfNull(masks);
        return masks.SelectMany((mask, m) => ProblemsOf(mask).Select(problem => $":Masks:{m}{problem}"));
    }

    /// <summary>What is wrong with <paramref name="mask"/>, which JSON may have left null.</summary>
    internal static IEnumerable<string> ProblemsOf(MaskPolygon? mask) => mask?.Problems() ?? [": not a polygon"];

    /// <summary>What is wrong with the polygon, as <c>:Points: what</c> or <c>:Points:N: what</c>.</summary>
    public IEnumerable<string> Problems()
    {
        var points = Points ?? [];
        if (points.Count < 3)
        {
            yield return $":Points: a polygon needs at least 3 corners, it has {points.Count}";
        }

        for (var p = 0; p < points.Count; p++)
        {
            var point = points[p];
            if (point is null || point.Length != 2 || point.Any(v => !float.IsFinite(v)))
            {
                yield return $":Points:{p}: a corner is [x, y], got [{string.Join(", ", point ?? [])}]";
            }
            else if (Units == MaskUnits.Normalized && point.Any(v => v is < 0 or > 1))
            {
                yield return $":Points:{p}: [{point[0]}, {point[1]}] lies outside 0–1 (Units is Normalized; set Units to Pixels for pixels)";
            }
        }
    }
}

/// <summary>
/// Areas of one camera's view where nothing is reported: a burned-in information bar, a tree that
/// sways into a "person", the road outside the reserve. A detection whose box centre lies in a mask
/// is dropped.
/// </summary>
public sealed class DetectionMask
{
    private readonly IReadOnlyList<MaskPolygon> _polygons;

    /// <summary>A mask made of the given polygons.</summary>
    public DetectionMask(IReadOnlyList<MaskPolygon> polygons)
    {
        ArgumentNullException.ThrowIfNull(polygons);
        _polygons = polygons;
    }

    /// <summary>A mask that covers nothing.</summary>
    public static DetectionMask None { get; } = new([]);

    /// <summary>Whether the mask has any area.</summary>
    public bool IsEmpty => _polygons.Count == 0;

    /// <summary>Whether a detection's box centre lies inside the mask.</summary>
    public bool Covers(BoundingBox box, float pictureWidth, float pictureHeight)
    {
        var centre = new Point2f(box.X + box.Width / 2, box.Y + box.Height / 2);
        foreach (var polygon in _polygons)
        {
            var (sx, sy) = polygon.Units == MaskUnits.Normalized ? (pictureWidth, pictureHeight) : (1f, 1f);
            var contour = polygon.Points.Select(p => new Point2f(p[0] * sx, p[1] * sy)).ToArray();
            if (Cv2.PointPolygonTest(contour, centre, measureDist: false) >= 0)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Reads a masks file: an object mapping a source (a camera's folder relative to the input, or
    /// <c>*</c> for every source) to its polygons.
    /// </summary>
    public static IReadOnlyDictionary<string, DetectionMask> LoadFile(string path)
    {
        Dictionary<string, List<MaskPolygon>>? raw;
        try
        {
            using var stream = File.OpenRead(path);
            raw = JsonSerializer.Deserialize<Dictionary<string, List<MaskPolygon>>>(stream, StrictJson.Options);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigurationException($"masks file {path}: cannot be read: {e.Message}", e);
        }
        catch (JsonException e)
        {
            throw new ConfigurationException($"masks file {path}: not valid: {e.Message}", e);
        }

        var masks = new Dictionary<string, DetectionMask>(StringComparer.Ordinal);
        foreach (var (source, listed) in raw ?? [])
        {
            var polygons = listed ?? [];
            for (var i = 0; i < polygons.Count; i++)
            {
                if (MaskPolygon.ProblemsOf(polygons[i]).FirstOrDefault() is { } problem)
                {
                    throw new ConfigurationException($"masks file {path}: source '{source}', polygon {i + 1}, {problem[1..].TrimStart()}");
                }
            }

            masks[source] = new DetectionMask(polygons);
        }

        return masks;
    }
}
