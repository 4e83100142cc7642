namespace EdgeAgent.Tests;

using System.Text.Json.Nodes;
using EdgeAgent.Common.Observations;
using EdgeAgent.Common;
using EdgeAgent.Recording;
using EdgeAgent.Testing;
using EdgeAgent.Jobs;
using EdgeAgent.Tracking;

public sealed class MegaDetectorResultsTests
{
    [Fact]
    public void Results_are_written_in_megadetector_format()
    {
        using var folder = new TempFolder();
        var path = folder.File("results.json");
        var results = new MegaDetectorResults
        {
            Images =
            [
                new ImageResult
                {
                    File = "cam/a.jpg",
                    Datetime = "2024:01:21 15:19:15",
                    Detections = [ImageDetection.From(new Detection("truck", DetectionCategory.Vehicle, 0.87654f, new BoundingBox(100, 50, 200, 100)), 1000, 500)],
                },
                new ImageResult { File = "cam/b.jpg", Failure = "empty file (0 bytes)" },
            ],
        };

        results.Save(path);
        var json = JsonNode.Parse(File.ReadAllText(path))!;

        Assert.Equal("1.4", (string?)json["info"]!["format_version"]);
        Assert.Equal("vehicle", (string?)json["detection_categories"]!["3"]);
        var detection = json["images"]![0]!["detections"]![0]!;
        Assert.Equal("3", (string?)detection["category"]);
        Assert.Equal(0.877, (double)detection["conf"]!, 3);
        Assert.Equal([0.1, 0.1, 0.2, 0.2], detection["bbox"]!.AsArray().Select(v => Math.Round((double)v!, 4)));
        Assert.Equal("truck", (string?)detection["label"]);
        var failed = json["images"]![1]!.AsObject();
        Assert.True(failed.ContainsKey("detections"));
        Assert.Null(failed["detections"]);
        Assert.Equal("empty file (0 bytes)", (string?)failed["failure"]);
        Assert.False(File.Exists(path + ".tmp"));
    }

    [Fact]
    public void Saved_results_load_back_for_resuming()
    {
        using var folder = new TempFolder();
        var path = folder.File("results.json");
        new MegaDetectorResults { Images = [new ImageResult { File = "a.jpg", Detections = [] }] }.Save(path);

        var loaded = MegaDetectorResults.Load(path, "so the run cannot resume from it");

        Assert.Equal("a.jpg", Assert.Single(loaded.Images).File);
    }

    [Fact]
    public void A_file_that_is_not_results_is_not_overwritten()
    {
        using var folder = new TempFolder();
        var path = folder.File("results.json");
        File.WriteAllText(path, "{ this is not json");

        var error = Assert.Throws<ConfigurationException>(() => MegaDetectorResults.Load(path, "so the run cannot resume from it"));
        Assert.Contains("cannot resume", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Repeat_suppression_moves_static_boxes_per_camera_and_is_idempotent()
    {
        ImageDetection Bar() => new() { Category = "3", Conf = 0.8f, Bbox = [0.1f, 0.9f, 0.3f, 0.08f], Label = "car" };
        var results = new MegaDetectorResults();
        for (var i = 0; i < 3; i++)
        {
            results.Images.Add(new ImageResult { File = $"cam1/{i}.jpg", Detections = [Bar()] });
        }

        results.Images.Add(new ImageResult { File = $"cam2/0.jpg", Detections = [Bar()] });
        var options = new RepeatDetectionOptions { MinOccurrences = 3 };

        Assert.Equal(3, RepeatSuppression.Apply(results, options));
        Assert.Equal(3, RepeatSuppression.Apply(results, options));

        Assert.All(results.Images.Where(i => i.File.StartsWith("cam1/", StringComparison.Ordinal)), i =>
        {
            Assert.Empty(i.Detections!);
            Assert.Equal("repeat", Assert.Single(i.SuppressedDetections!).SuppressedBy);
        });
        Assert.Single(results.Images.Single(i => i.File == "cam2/0.jpg").Detections!);

        Assert.Equal(0, RepeatSuppression.Apply(results, options with { Enabled = false }));
        Assert.All(results.Images, i => Assert.Single(i.Detections!));
    }
}
