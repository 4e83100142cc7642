namespace Alerting.Tests;

using EdgeAgent.Common.Observations;

public sealed class BoundingBoxTests
{
    [Fact]
    public void Identical_boxes_overlap_completely()
    {
        var box = new BoundingBox(10, 20, 30, 40);
        Assert.Equal(1f, box.IntersectionOverUnion(box), 5);
    }

    [Fact]
    public void Apart_or_touching_boxes_do_not_overlap()
    {
        var a = new BoundingBox(0, 0, 10, 10);
        Assert.Equal(0f, a.IntersectionOverUnion(new BoundingBox(20, 20, 5, 5)));
        Assert.Equal(0f, a.IntersectionOverUnion(new BoundingBox(10, 0, 10, 10)));
    }

    [Fact]
    public void Half_shifted_boxes_overlap_by_a_third()
    {
        // Intersection 50, union 150.
        var a = new BoundingBox(0, 0, 10, 10);
        var b = new BoundingBox(5, 0, 10, 10);
        Assert.Equal(1f / 3f, a.IntersectionOverUnion(b), 5);
    }

    [Fact]
    public void Corners_in_any_order_make_the_same_box()
    {
        Assert.Equal(new BoundingBox(2, 3, 8, 6), BoundingBox.FromCorners(10, 9, 2, 3));
    }

    [Fact]
    public void Clipping_keeps_the_part_inside_the_picture()
    {
        var clipped = new BoundingBox(-5, 90, 20, 30).ClipTo(100, 100);
        Assert.Equal(new BoundingBox(0, 90, 15, 10), clipped);
    }

    [Fact]
    public void Scale_and_offset_move_a_box_between_pixel_spaces()
    {
        var box = new BoundingBox(1, 2, 3, 4).Scale(4).Offset(100, 200);
        Assert.Equal(new BoundingBox(104, 208, 12, 16), box);
    }
}
