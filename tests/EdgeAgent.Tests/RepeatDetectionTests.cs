namespace EdgeAgent.Tests;

using EdgeAgent.Common.Observations;
using EdgeAgent.Tracking;

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

    [Fact]
    public void A_camera_traps_bar_stops_being_a_detection_once_it_has_repeated_and_animals_pass()
    {
        var filter = new StaticObjectFilter(new RepeatDetectionOptions { MinOccurrences = 4, History = 10 });
        var bar = new Detection("car", DetectionCategory.Vehicle, 0.7f, new BoundingBox(20, 900, 300, 90));
        var kept = new List<IReadOnlyList<Detection>>();
        var suppressed = 0;
        for (var picture = 0; picture < 8; picture++)
        {
            var animal = new Detection("zebra", DetectionCategory.Animal, 0.9f, new BoundingBox(100 + (picture * 150), 300, 200, 150));
            kept.Add(filter.Filter([bar with { Box = bar.Box.Offset(picture % 2, 0) }, animal], 1280, 1000, out var count));
            suppressed += count;
        }

        Assert.All(kept.Take(3), k => Assert.Contains(k, d => d.Label == "car"));
        Assert.All(kept.Skip(3), k => Assert.DoesNotContain(k, d => d.Label == "car"));
        Assert.All(kept, k => Assert.Contains(k, d => d.Label == "zebra"));
        Assert.Equal(5, suppressed);
    }

    [Fact]
    public void Once_the_bar_is_gone_from_the_history_a_car_there_counts_again()
    {
        var filter = new StaticObjectFilter(new RepeatDetectionOptions { MinOccurrences = 3, History = 4 });
        Detection[] car = [new("car", DetectionCategory.Vehicle, 0.7f, new BoundingBox(20, 900, 300, 90))];
        for (var i = 0; i < 3; i++)
        {
            filter.Filter(car, 1280, 1000, out _);
        }

        for (var i = 0; i < 4; i++)
        {
            filter.Filter([], 1280, 1000, out _);
        }

        Assert.Single(filter.Filter(car, 1280, 1000, out var suppressed));
        Assert.Equal(0, suppressed);
    }
}
