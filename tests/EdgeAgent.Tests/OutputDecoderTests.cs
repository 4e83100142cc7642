namespace EdgeAgent.Tests;

using EdgeAgent.Detection;

/// <summary>Each layout decoded from a hand-built tensor whose right answer is worked out by hand.</summary>
public sealed class OutputDecoderTests
{
    [Fact]
    public void Yolox_decodes_grid_offsets_with_each_stride()
    {
        // A 64×64 input has grids of 8×8 (stride 8), 4×4 (stride 16) and 2×2 (stride 32): 84 rows.
        const int classes = 3, columns = 5 + classes;
        var output = new float[84 * columns];

        // Row of stride 16, cell (gx=2, gy=1): index 64 + 1·4 + 2 = 70.
        var row = output.AsSpan(70 * columns, columns);
        row[0] = 0.5f;                 // cx = (0.5 + 2)·16 = 40
        row[1] = 0.25f;                // cy = (0.25 + 1)·16 = 20
        row[2] = MathF.Log(2);         // w = 2·16 = 32
        row[3] = 0;                    // h = 1·16 = 16
        row[4] = 0.9f;                 // objectness
        row[5 + 2] = 0.8f;             // class 2

        // A row below the threshold that must not come out.
        output[(3 * columns) + 4] = 0.1f;
        output[(3 * columns) + 5] = 1f;

        var candidates = OutputDecoders.Decode(ModelLayout.Yolox, output, 84, columns, classes, 64, 64, minScore: 0.3f);

        var c = Assert.Single(candidates);
        Assert.Equal(2, c.ClassId);
        Assert.Equal(0.72f, c.Score, 5);
        Assert.Equal(24f, c.X1, 4);
        Assert.Equal(12f, c.Y1, 4);
        Assert.Equal(56f, c.X2, 4);
        Assert.Equal(28f, c.Y2, 4);
    }

    [Fact]
    public void Yolov5_decodes_centre_and_size_in_input_pixels()
    {
        const int classes = 3, columns = 5 + classes, rows = 2;
        float[] output =
        [
            100, 50, 20, 10, 0.5f, 0.1f, 0.9f, 0.2f,  // person-ish: score 0.45, class 1
            10, 10, 4, 4, 0.9f, 0.1f, 0.1f, 0.2f,     // best score 0.18: below threshold
        ];

        var candidates = OutputDecoders.Decode(ModelLayout.Yolov5, output, rows, columns, classes, 640, 640, minScore: 0.2f);

        var c = Assert.Single(candidates);
        Assert.Equal(1, c.ClassId);
        Assert.Equal(0.45f, c.Score, 5);
        Assert.Equal((90f, 45f, 110f, 55f), (c.X1, c.Y1, c.X2, c.Y2));
    }

    [Fact]
    public void Yolov8_reads_the_transposed_layout_without_objectness()
    {
        // [4 + 2 classes, 3 anchors]: row k holds value k of every anchor.
        const int classes = 2, anchors = 3;
        float[] output =
        [
            10, 200, 30,    // cx
            20, 100, 30,    // cy
            4, 50, 6,       // w
            8, 40, 6,       // h
            0.1f, 0.2f, 0.6f,  // class 0
            0.05f, 0.7f, 0.1f, // class 1
        ];

        var candidates = OutputDecoders.Decode(ModelLayout.Yolov8, output, 4 + classes, anchors, classes, 640, 640, minScore: 0.5f);

        Assert.Equal(2, candidates.Count);
        var second = candidates.Single(c => c.ClassId == 1);
        Assert.Equal(0.7f, second.Score, 5);
        Assert.Equal((175f, 80f, 225f, 120f), (second.X1, second.Y1, second.X2, second.Y2));
        var third = candidates.Single(c => c.ClassId == 0);
        Assert.Equal((27f, 27f, 33f, 33f), (third.X1, third.Y1, third.X2, third.Y2));
    }

    [Fact]
    public void A_tensor_of_the_wrong_size_is_refused()
    {
        Assert.Throws<ArgumentException>(() => OutputDecoders.Decode(ModelLayout.Yolov5, new float[10], 2, 8, 3, 640, 640, 0.1f));
        Assert.Throws<ArgumentException>(() => OutputDecoders.Decode(ModelLayout.Yolox, new float[83 * 8], 83, 8, 3, 64, 64, 0.1f));
    }

    [Theory]
    [InlineData(ModelLayout.Yolox, 3549, 85, 80, null)]
    [InlineData(ModelLayout.Yolox, 3549, 8, 80, "85 values per row")]
    [InlineData(ModelLayout.Yolox, 8400, 85, 80, "3549 rows")]
    [InlineData(ModelLayout.Yolov5, -1, 8, 3, null)]
    [InlineData(ModelLayout.Yolov5, 25200, 85, 3, "8 values per row")]
    [InlineData(ModelLayout.Yolov8, 84, 8400, 80, null)]
    [InlineData(ModelLayout.Yolov8, 8400, 84, 80, "84 rows")]
    public void Shape_checks_name_what_does_not_fit(ModelLayout layout, long rows, long columns, int classes, string? problem)
    {
        var result = OutputDecoders.CheckShape(layout, rows, columns, classes, 416, 416);
        if (problem is null)
        {
            Assert.Null(result);
        }
        else
        {
            Assert.Contains(problem, result, StringComparison.Ordinal);
        }
    }
}
