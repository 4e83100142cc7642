namespace EdgeAgent.Common.Observations;

/// <summary>An axis-aligned box in the pixels of the picture it was found in; origin top-left.</summary>
/// <param name="X">Left edge.</param>
/// <param name="Y">Top edge.</param>
/// <param name="Width">Width, never negative.</param>
/// <param name="Height">Height, never negative.</param>
public readonly record struct BoundingBox(float X, float Y, float Width, float Height)
{
    /// <summary>Right edge.</summary>
    public float Right => X + Width;

    /// <summary>Bottom edge.</summary>
    public float Bottom => Y + Height;

    /// <summary>Area in square pixels.</summary>
    public float Area => Width * Height;

    /// <summary>Builds a box from its corners, ordering them if needed.</summary>
    public static BoundingBox FromCorners(float x1, float y1, float x2, float y2) =>
        new(MathF.Min(x1, x2), MathF.Min(y1, y2), MathF.Abs(x2 - x1), MathF.Abs(y2 - y1));

    /// <summary>Intersection over union with another box: 0 when apart, 1 when identical.</summary>
    public float IntersectionOverUnion(BoundingBox other)
    {
        var w = MathF.Min(Right, other.Right) - MathF.Max(X, other.X);
        var h = MathF.Min(Bottom, other.Bottom) - MathF.Max(Y, other.Y);
        if (w <= 0 || h <= 0)
        {
            return 0f;
        }

        var intersection = w * h;
        var union = Area + other.Area - intersection;
        return union <= 0 ? 0f : intersection / union;
    }

    /// <summary>Clips the box to a picture of the given size.</summary>
    public BoundingBox ClipTo(float pictureWidth, float pictureHeight)
    {
        var x1 = Math.Clamp(X, 0, pictureWidth);
        var y1 = Math.Clamp(Y, 0, pictureHeight);
        var x2 = Math.Clamp(Right, 0, pictureWidth);
        var y2 = Math.Clamp(Bottom, 0, pictureHeight);
        return new BoundingBox(x1, y1, x2 - x1, y2 - y1);
    }

    /// <summary>Moves the box by an offset, e.g. from a tile back into its whole picture.</summary>
    public BoundingBox Offset(float dx, float dy) => this with { X = X + dx, Y = Y + dy };

    /// <summary>Scales the box, e.g. from a reduced-size decode back to the original picture.</summary>
    public BoundingBox Scale(float factor) => new(X * factor, Y * factor, Width * factor, Height * factor);
}
