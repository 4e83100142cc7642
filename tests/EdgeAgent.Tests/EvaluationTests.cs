namespace EdgeAgent.Tests;

using EdgeAgent.Common;
using EdgeAgent.Jobs;
using EdgeAgent.Recording;
using EdgeAgent.Testing;

/// <summary>Precision, recall and false alarms per picture, against figures counted by hand.</summary>
public sealed class EvaluationTests
{
    [Fact]
    public void Each_threshold_is_scored_per_picture_and_the_first_without_false_alarms_is_named()
    {
        // A blank picture where the model saw a person at 0.4; a person seen at 0.8; a zebra seen at
        // 0.6, also taken for a person at 0.2; a failed picture, which does not count.
        var results = new MegaDetectorResults
        {
            Images =
            [
                new ImageResult { File = "blank.jpg", Detections = [Found("2", 0.4f)] },
                new ImageResult { File = "person.jpg", Detections = [Found("2", 0.8f)] },
                new ImageResult { File = "zebra.jpg", Detections = [Found("1", 0.6f), Found("2", 0.2f)] },
                new ImageResult { File = "broken.jpg", Failure = "truncated JPEG" },
            ],
        };
        using var folder = new TempFolder();
        var truthFile = folder.File("truth.csv");
        File.WriteAllText(truthFile, "file,category,label\nblank.jpg,,\nperson.jpg,person,person\nzebra.jpg,animal,zebra\nbroken.jpg,animal,zebra\n");

        var scores = Evaluation.Score(results, Evaluation.ReadTruth(truthFile, byLabel: false), byLabel: false);
        ClassScore At(string c, float t) => scores.Single(s => s.Class == c && Math.Abs(s.Threshold - t) < 1e-4);

        // 0.15: person flagged in all three pictures, there in one.
        Assert.Equal((1, 2, 0), (At("person", 0.15f).TruePositives, At("person", 0.15f).FalsePositives, At("person", 0.15f).FalseNegatives));
        Assert.Equal(1 / 3.0, At("person", 0.15f).Precision, 6);

        // 0.3: the blank's person is still a false alarm; 0.45: gone, the real one kept.
        Assert.Equal(0.5, At("person", 0.3f).Precision, 6);
        Assert.Equal((1, 0, 0), (At("person", 0.45f).TruePositives, At("person", 0.45f).FalsePositives, At("person", 0.45f).FalseNegatives));

        // 0.65: the zebra (0.6) is missed.
        Assert.Equal(0, At("animal", 0.65f).Recall);
        var best = Evaluation.ZeroFalseAlarm(scores);
        Assert.Equal(0.45f, best["person"]!.Threshold, 4);
        Assert.Equal(0.05f, best["animal"]!.Threshold, 4);
    }

    [Fact]
    public void A_truth_file_with_an_unknown_category_is_named_by_line()
    {
        using var folder = new TempFolder();
        var truthFile = folder.File("truth.csv");
        File.WriteAllText(truthFile, "file,category\na.jpg,animal\nb.jpg,poacher\n");

        var error = Assert.Throws<ConfigurationException>(() => Evaluation.ReadTruth(truthFile, byLabel: false));

        Assert.Contains("line 3: 'poacher' is not a category", error.Message, StringComparison.Ordinal);
    }

    private static ImageDetection Found(string category, float confidence) => new() { Category = category, Conf = confidence, Bbox = [0.1f, 0.1f, 0.2f, 0.2f] };
}
