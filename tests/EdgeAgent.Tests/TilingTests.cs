namespace EdgeAgent.Tests;

using EdgeAgent.Detection;

public sealed class TilingTests
{
    [Fact]
    public void Tiles_step_with_overlap_and_end_flush_with_the_edge()
    {
        Assert.Equal([0, 332, 664, 996, 1328, 1632], TilingDetector.TileStarts(2048, 416, 0.2f));
    }

    [Fact]
    public void A_picture_no_larger_than_a_tile_has_one_tile()
    {
        Assert.Equal([0], TilingDetector.TileStarts(416, 416, 0.2f));
        Assert.Equal([0], TilingDetector.TileStarts(300, 416, 0.2f));
    }
}
