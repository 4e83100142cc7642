namespace EdgeAgent.Tests;

using EdgeAgent.Common.Observations;
using EdgeAgent.Detection;

public sealed class NonMaxSuppressionTests
{
    [Fact]
    public void Overlapping_boxes_of_one_label_keep_the_best()
    {
        var kept = NonMaxSuppression.Apply(
            [
                new Detection("zebra", DetectionCategory.Animal, 0.6f, new BoundingBox(0, 0, 100, 100)),
                new Detection("zebra", DetectionCategory.Animal, 0.9f, new BoundingBox(5, 5, 100, 100)),
                new Detection("zebra", DetectionCategory.Animal, 0.5f, new BoundingBox(300, 300, 50, 50)),
            ],
            0.45f);

        Assert.Equal([0.9f, 0.5f], kept.Select(d => d.Confidence));
    }

    [Fact]
    public void Overlapping_boxes_of_different_labels_both_stay()
    {
        // A rider on a horse: the boxes overlap, but they are two things.
        var kept = NonMaxSuppression.Apply(
            [
                new Detection("person", DetectionCategory.Person, 0.8f, new BoundingBox(0, 0, 100, 100)),
                new Detection("horse", DetectionCategory.Animal, 0.7f, new BoundingBox(0, 10, 100, 100)),
            ],
            0.45f);

        Assert.Equal(["person", "horse"], kept.Select(d => d.Label));
    }
}
