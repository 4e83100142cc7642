namespace EdgeAgent.Tests;

using EdgeAgent.Common.Observations;
using EdgeAgent.Common;
using EdgeAgent.Detection;
using EdgeAgent.Testing;

public sealed class DetectionMaskTests
{
    [Fact]
    public void Normalized_masks_fit_any_resolution()
    {
        var bottomBar = new DetectionMask([new MaskPolygon { Points = [[0, 0.9f], [1, 0.9f], [1, 1], [0, 1]] }]);

        Assert.True(bottomBar.Covers(new BoundingBox(100, 950, 200, 40), 1000, 1000));
        Assert.True(bottomBar.Covers(new BoundingBox(1000, 1900, 400, 80), 2000, 2000));
        Assert.False(bottomBar.Covers(new BoundingBox(100, 500, 200, 200), 1000, 1000));
    }

    [Fact]
    public void Pixel_masks_use_the_picture_pixels()
    {
        var tree = new DetectionMask([new MaskPolygon { Units = MaskUnits.Pixels, Points = [[0, 0], [100, 0], [100, 100], [0, 100]] }]);

        Assert.True(tree.Covers(new BoundingBox(10, 10, 20, 20), 4000, 3000));
        Assert.False(tree.Covers(new BoundingBox(200, 10, 20, 20), 4000, 3000));
    }

    [Fact]
    public void A_masks_file_maps_cameras_to_polygons()
    {
        using var folder = new TempFolder();
        var path = folder.File("masks.json");
        File.WriteAllText(path, """{ "cam-07": [ { "points": [[0, 0.9], [1, 0.9], [1, 1], [0, 1]] } ], "*": [] }""");

        var masks = DetectionMask.LoadFile(path);

        Assert.False(masks["cam-07"].IsEmpty);
        Assert.True(masks["*"].IsEmpty);
    }

    [Theory]
    [InlineData("""{ "cam": [ { "points": [[0, 0], [1, 1]] } ] }""", "polygon 1, Points: a polygon needs at least 3 corners, it has 2")]
    [InlineData("""{ "cam": [ { "points": [[0, 0], [10, 0], [10, 10]] } ] }""", "polygon 1, Points:1: [10, 0] lies outside 0–1")]
    [InlineData("""{ "cam": [ { "points": [[0, 0], [1, 0], [1, 1]], "unit": "pixels" } ] }""", "unit")]
    public void Bad_masks_are_named(string json, string expected)
    {
        using var folder = new TempFolder();
        var path = folder.File("masks.json");
        File.WriteAllText(path, json);

        var error = Assert.Throws<ConfigurationException>(() => DetectionMask.LoadFile(path));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
