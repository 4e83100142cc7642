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
    public void Verdicts_score_only_the_classes_they_judged_and_a_threat_outweighs_a_dismissal_on_the_same_picture()
    {
        // A truck dismissed twice on one picture (once undone), a person confirmed on another, a
        // picture with a dismissed "car" and a confirmed "truck", and a video alert (no picture).
        using var folder = new TempFolder();
        var verdicts = folder.File("verdicts.csv");
        File.WriteAllText(verdicts, """
            verdict_id,alert_id,threat,given_by,given_at,source_id,picture,label,category,x,y,width,height,until,undone_by,undone_at
            1,a1,false,"station page, 127.0.0.1",2026-11-30T06:00:00Z,CT-07,IMG_0001.JPG,truck,vehicle,1,1,9,9,2026-12-07T06:00:00Z,,
            2,a1,false,"station page, 127.0.0.1",2026-11-30T06:01:00Z,CT-07,IMG_0001.JPG,truck,vehicle,1,1,9,9,2026-12-07T06:01:00Z,ranger,2026-11-30T06:02:00Z
            3,a2,true,"command line, ranger",2026-11-30T07:00:00Z,CT-07,sub/IMG_0002.JPG,person,person,1,1,9,9,,,
            4,a3,false,"command line, ranger",2026-11-30T08:00:00Z,CT-07,IMG_0003.JPG,car,vehicle,1,1,9,9,2026-12-07T08:00:00Z,,
            5,a4,true,"command line, ranger",2026-11-30T08:00:00Z,CT-07,IMG_0003.JPG,truck,vehicle,1,1,9,9,,,
            6,a5,false,"command line, ranger",2026-11-30T09:00:00Z,MAST-2,,person,person,1,1,9,9,2026-12-07T09:00:00Z,,
            """);
        var results = new MegaDetectorResults
        {
            Images =
            [
                new ImageResult { File = "IMG_0001.JPG", Detections = [Found("3", 0.7f), Found("2", 0.2f)] },
                new ImageResult { File = "sub/IMG_0002.JPG", Detections = [Found("2", 0.9f)] },
                new ImageResult { File = "IMG_0003.JPG", Detections = [Found("3", 0.6f)] },
                new ImageResult { File = "IMG_0004.JPG", Detections = [Found("2", 0.8f)] },
            ],
        };

        var truth = Evaluation.ReadVerdicts(verdicts, byLabel: false);
        var scores = Evaluation.Score(results, truth, byLabel: false);
        ClassScore At(string c, float t) => scores.Single(s => s.Class == c && Math.Abs(s.Threshold - t) < 1e-4);

        Assert.Equal(["IMG_0001.JPG", "IMG_0003.JPG", "sub/IMG_0002.JPG"], truth.Keys.Order(StringComparer.Ordinal));

        // Vehicle: a false alarm on the first picture, found on the third; the second was judged for a person only.
        Assert.Equal((1, 1, 0), (At("vehicle", 0.5f).TruePositives, At("vehicle", 0.5f).FalsePositives, At("vehicle", 0.5f).FalseNegatives));

        // Person: found on the second; the first picture's person at 0.2 and the fourth's are nobody's word.
        Assert.Equal((1, 0, 0), (At("person", 0.1f).TruePositives, At("person", 0.1f).FalsePositives, At("person", 0.1f).FalseNegatives));

        // By label, the third picture had a truck and no car.
        var byLabel = Evaluation.ReadVerdicts(verdicts, byLabel: true);
        Assert.Equal(["truck"], byLabel["IMG_0003.JPG"].In);
        Assert.Equal(["car"], byLabel["IMG_0003.JPG"].NotIn!);

        File.WriteAllText(verdicts, "file,category\nIMG_0001.JPG,vehicle\n");
        var error = Assert.Throws<ConfigurationException>(() => Evaluation.ReadVerdicts(verdicts, byLabel: false));
        Assert.Contains("no 'threat' column", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_truth_file_with_an_unknown_category_is_named_by_row()
    {
        using var folder = new TempFolder();
        var truthFile = folder.File("truth.csv");
        File.WriteAllText(truthFile, "file,category\na.jpg,animal\nb.jpg,poacher\n");

        var error = Assert.Throws<ConfigurationException>(() => Evaluation.ReadTruth(truthFile, byLabel: false));

        Assert.Contains("row 3: 'poacher' is not a category", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_truth_file_is_read_as_spreadsheets_write_csv_and_an_unclosed_quote_is_named()
    {
        using var folder = new TempFolder();
        var truthFile = folder.File("truth.csv");

        // A comma and a doubled quote inside quoted names, padded labels, and Windows line ends.
        File.WriteAllText(truthFile, "file,category,label\r\n\"site 1,IMG_0002.jpg\",animal, zebra \r\n\"say \"\"hi\"\".jpg\",person,\" person\"\r\n");

        var truth = Evaluation.ReadTruth(truthFile, byLabel: true);

        Assert.Equal(["say \"hi\".jpg", "site 1,IMG_0002.jpg"], truth.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["zebra"], truth["site 1,IMG_0002.jpg"].In);
        Assert.Equal(["person"], truth["say \"hi\".jpg"].In);

        File.WriteAllText(truthFile, "file,category\n\"a.jpg,animal\n");
        var error = Assert.Throws<ConfigurationException>(() => Evaluation.ReadTruth(truthFile, byLabel: false));
        Assert.StartsWith($"truth file {truthFile}: not CSV as spreadsheets write it", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{ "images": null }""", "\"images\" must not be null")]
    [InlineData("""{ "images": [ { "file": null } ] }""", "image 1 is null or has no \"file\"")]
    [InlineData("""{ "images": [ null ] }""", "image 1 is null or has no \"file\"")]
    [InlineData("""{ "images": [ { "file": "a.jpg", "detections": [ null ] } ] }""", "image 1 ('a.jpg'): a detection is null")]
    [InlineData("""{ "images": [ { "file": "a.jpg", "detections": [ { "category": "1", "conf": 0.5, "bbox": [1] } ] } ] }""", "image 1 ('a.jpg'): a detection is null, or lacks a category, a bbox of 4 numbers")]
    [InlineData("null", "the file holds null")]
    [InlineData("{ \"images\": [", "invalid JSON at line 1")]
    public void A_results_file_with_a_null_where_a_picture_or_detection_must_be_is_named_not_a_crash(string json, string expected)
    {
        using var folder = new TempFolder();
        var path = folder.File("results.json");
        File.WriteAllText(path, json);

        var error = Assert.Throws<ConfigurationException>(() => MegaDetectorResults.Load(path, "so it cannot be scored"));

        Assert.StartsWith($"results file {path} is not MegaDetector results, so it cannot be scored: ", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    private static ImageDetection Found(string category, float confidence) => new() { Category = category, Conf = confidence, Bbox = [0.1f, 0.1f, 0.2f, 0.2f] };

    [Fact]
    public void Names_are_scored_rank_by_rank_as_right_rolled_up_or_wrong_and_a_low_score_counts_as_rolled_up()
    {
        using var folder = new TempFolder();
        var lion = Common.Observations.Taxon.Parse("mammalia;carnivora;felidae;panthera;leo;lion")!;
        var leopard = Common.Observations.Taxon.Parse("mammalia;carnivora;felidae;panthera;pardus;leopard")!;
        var felids = Common.Observations.Taxon.Parse("mammalia;carnivora;felidae;;;")!;
        var hyena = Common.Observations.Taxon.Parse("mammalia;carnivora;hyaenidae;crocuta;crocuta;spotted hyena")!;
        var results = new MegaDetectorResults();
        ImageResult Picture(string file, Common.Observations.Taxon named, float score) => new()
        {
            File = file,
            Detections = [new ImageDetection { Category = "1", Conf = 0.9f, Bbox = [0.1f, 0.1f, 0.2f, 0.2f], Classifications = results.Classify(new(named, score, "test", [])) }],
        };

        // Four lions: named a lion (0.9), a leopard (0.85: right to the genus, wrong at the species), the cat family (0.95), a hyena (0.6).
        results.Images.AddRange([Picture("a.jpg", lion, 0.9f), Picture("b.jpg", leopard, 0.85f), Picture("c.jpg", felids, 0.95f), Picture("d.jpg", hyena, 0.6f)]);
        var truth = folder.File("truth.csv");
        File.WriteAllText(truth, "file,class,order,family,genus,species\n" + string.Concat("abcd".Select(f => $"{f}.jpg,mammalia,carnivora,felidae,panthera,leo\n")));

        var scores = TaxonEvaluation.Score(results, TaxonEvaluation.ReadTruth(truth));
        RankScore At(string rank, float threshold) => scores.Single(s => s.Rank == rank && Math.Abs(s.Threshold - threshold) < 1e-4);

        Assert.Equal((4, 0, 0), (At("order", 0.05f).Right, At("order", 0.05f).RolledUp, At("order", 0.05f).Wrong));
        Assert.Equal((3, 0, 1), (At("family", 0.05f).Right, At("family", 0.05f).RolledUp, At("family", 0.05f).Wrong));
        Assert.Equal((2, 1, 1), (At("genus", 0.05f).Right, At("genus", 0.05f).RolledUp, At("genus", 0.05f).Wrong));
        Assert.Equal((1, 1, 2), (At("species", 0.05f).Right, At("species", 0.05f).RolledUp, At("species", 0.05f).Wrong));

        // From 0.9 the leopard and the hyena are taken as "don't know": nothing wrong, and the lion still named.
        Assert.Equal((1, 3, 0), (At("species", 0.9f).Right, At("species", 0.9f).RolledUp, At("species", 0.9f).Wrong));
        Assert.Equal(0.9f, TaxonEvaluation.NoWrongName(scores)["species"]!.Threshold, 4);
    }
}
