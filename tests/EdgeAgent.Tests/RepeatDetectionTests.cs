namespace EdgeAgent.Tests;

using EdgeAgent.Alerting.Observations;
using EdgeAgent.Detection;

public sealed class RepeatDetectionTests
{
    private static readonly RepeatDetectionOptions Options = new() { MinIou = 0.9f, MinOccurrences = 3 };

    [Fact]
    public void A_box_at_the_same_place_in_enough_pictures_is_a_repeat()
    {
        var bar = new BoundingBox(0.1f, 0.9f, 0.3f, 0.08f);
        var nudged = new BoundingBox(0.101f, 0.9f, 0.3f, 0.08f);
        var animal = new BoundingBox(0.4f, 0.3f, 0.2f, 0.2f);
        IReadOnlyList<IReadOnlyList<BoundingBox>> pictures =
        [
            [bar, animal],
            [nudged],
            [bar],
            [animal with { X = 0.6f }],
        ];

        var repeats = RepeatDetectionElimination.FindRepeats(pictures, Options);

        Assert.Equal(new HashSet<(int, int)> { (0, 0), (1, 0), (2, 0) }, repeats);
    }

    [Fact]
    public void A_box_that_jitters_joins_the_place_through_any_earlier_box()
    {
        // The first and the last overlap below 0.9; each overlaps the one before above it.
        var a = new BoundingBox(0.0097f, 0.8473f, 0.2036f, 0.141f);
        var b = new BoundingBox(0.014f, 0.8499f, 0.1977f, 0.14f);
        var c = new BoundingBox(0.0146f, 0.8506f, 0.2025f, 0.144f);
        Assert.True(a.IntersectionOverUnion(c) < 0.9f);

        var repeats = RepeatDetectionElimination.FindRepeats([[a], [b], [c]], Options);

        Assert.Equal(3, repeats.Count);
    }

    [Fact]
    public void A_burst_shorter_than_the_threshold_stays()
    {
        var animal = new BoundingBox(0.4f, 0.3f, 0.2f, 0.2f);
        var repeats = RepeatDetectionElimination.FindRepeats([[animal], [animal]], Options);
        Assert.Empty(repeats);
    }

    [Fact]
    public void Two_boxes_in_one_picture_count_as_one_picture()
    {
        var box = new BoundingBox(0.1f, 0.1f, 0.1f, 0.1f);
        var repeats = RepeatDetectionElimination.FindRepeats([[box, box], [box]], Options);
        Assert.Empty(repeats);
    }
}
