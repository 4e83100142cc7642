namespace EdgeAgent.Detection;

using System.Text.Json;
using EdgeAgent.Common.Observations;
using EdgeAgent.Common;
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
        foreach (var (source, polygons) in raw ?? [])
        {
            for (var i = 0; i < polygons.Count; i++)
            {
                var points = polygons[i].Points;
                if (points is null || points.Count < 3 || points.Any(p => p is not { Length: 2 }))
                {
                    throw new ConfigurationException($"masks file {path}: source '{source}', polygon {i + 1}: needs at least three [x, y] points");
                }

                if (polygons[i].Units == MaskUnits.Normalized && points.Any(p => p[0] is < 0 or > 1 || p[1] is < 0 or > 1))
                {
                    throw new ConfigurationException($"masks file {path}: source '{source}', polygon {i + 1}: normalized points must lie within 0–1 (use \"units\": \"pixels\" for pixels)");
                }
            }

            masks[source] = new DetectionMask(polygons);
        }

        return masks;
    }
}
