namespace EdgeAgent.Tests;

using EdgeAgent.Common.Observations;
using EdgeAgent.Alerting.Rules;
using EdgeAgent.Detection;
using EdgeAgent.Species;
using EdgeAgent.Sources;
using EdgeAgent.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;

/// <summary>The species stage: the real ImageNet classifier on crops of the real shared pictures, its WordNet taxonomy, and the roll-up.</summary>
public sealed class SpeciesTests : IDisposable
{
    private static readonly Taxon BlackBear = Taxon.Parse("mammalia;carnivora;ursidae;ursus;americanus;american black bear")!;
    private static readonly Taxon PolarBear = Taxon.Parse("mammalia;carnivora;ursidae;ursus;maritimus;ice bear")!;
    private static readonly Taxon Leopard = Taxon.Parse("mammalia;carnivora;felidae;panthera;pardus;leopard")!;
    private static readonly Taxon Impala = Taxon.Parse("mammalia;artiodactyla;bovidae;aepyceros;melampus;impala")!;

    private readonly ClassifierManifest _manifest = ClassifierManifest.Load(TestPaths.ClassifierManifest);
    private readonly SpeciesClassifier _classifier;

    public SpeciesTests() => _classifier = new SpeciesClassifier(_manifest, new DetectorOptions { Provider = ExecutionProvider.Cpu }, NullLogger.Instance);

    public void Dispose() => _classifier.Dispose();

    [Fact]
    public void The_taxonomy_made_from_WordNet_places_the_shared_pictures_animals()
    {
        var taxa = _manifest.Taxonomy.Taxa;
        Assert.Equal("loxodonta africana", Find("african elephant").ScientificName);
        Assert.Equal("urocyon cinereoargenteus", Find("grey fox").ScientificName);
        Assert.Equal("ursus americanus", Find("american black bear").ScientificName);
        Assert.Equal("bovidae", Find("impala").Family);
        Assert.Equal("canis familiaris", Find("german shepherd").ScientificName);
        Assert.Null(taxa[_manifest.Labels.ToList().FindIndex(l => l.StartsWith("pickup", StringComparison.Ordinal))]);

        Taxon Find(string common) => taxa.OfType<Taxon>().Single(t => t.CommonName == common);
    }

    [Fact]
    public void The_real_classifier_names_the_grey_fox_in_infrared_and_the_african_elephants_in_daylight()
    {
        var fox = Classify("zamba_ena24__4383.jpg", 0.09f, 0.43f, 0.30f, 0.27f);
        var elephants = Classify("sn__african_elephants.jpg", 0.69f, 0.45f, 0.31f, 0.17f);

        // The fox: grey fox is the top class but below the threshold, so the answer is its family;
        // a site that accepts less certainty gets the species.
        Assert.StartsWith("grey fox", fox.Top[0].Label, StringComparison.Ordinal);
        Assert.True(fox.Taxon == Taxon.Parse("mammalia;carnivora;canidae;;;"), $"fox: {fox.Display}; {string.Join(", ", fox.Top)}");
        Assert.Equal("urocyon", Classify("zamba_ena24__4383.jpg", 0.09f, 0.43f, 0.30f, 0.27f, threshold: 0.5f).Taxon.Genus);
        Assert.True("loxodonta africana" == elephants.Taxon.ScientificName, $"elephants: {elephants.Display}; {string.Join(", ", elephants.Top)}");
        Assert.True(elephants.Score >= _manifest.Threshold);
    }

    [Fact]
    public void A_crop_the_classifier_is_unsure_of_rolls_up_instead_of_naming_a_species()
    {
        // The domestic dog: no breed reaches the threshold, the canids together do.
        var dog = Classify("sn__domestic_dog.jpg", 0.30f, 0.38f, 0.40f, 0.45f);

        Assert.NotEqual("species", dog.Taxon.Rank);
        Assert.Equal("canidae", dog.Taxon.Family);
        Assert.True(dog.Top[0].Score < _manifest.Threshold, $"the top class {dog.Top[0]} was sure after all");
    }

    [Fact]
    public void Roll_up_names_the_species_when_sure_the_genus_when_its_species_share_the_score_and_animal_when_nothing_is_sure()
    {
        var taxonomy = Taxonomy.Parse(
            ["0;mammalia;carnivora;ursidae;ursus;americanus;american black bear", "1;mammalia;carnivora;ursidae;ursus;maritimus;ice bear", "2;mammalia;carnivora;felidae;panthera;pardus;leopard"],
            ["black bear", "ice bear", "leopard", "pickup"],
            "test");

        Assert.Equal((BlackBear, 0.9f), taxonomy.RollUp([0.9f, 0.05f, 0.05f, 0f], 0.7f));
        var (genus, score) = taxonomy.RollUp([0.4f, 0.35f, 0.05f, 0.2f], 0.7f);
        Assert.Equal("ursus", genus.ScientificName);
        Assert.Equal(0.75f, score, 3);
        Assert.Equal("genus Ursus", genus.Display);
        Assert.Equal(Taxon.Animal, taxonomy.RollUp([0.3f, 0.1f, 0.25f, 0.35f], 0.7f).Taxon);
        Assert.Equal("carnivora", taxonomy.RollUp([0.4f, 0.0f, 0.35f, 0.25f], 0.7f).Taxon.ScientificName);
    }

    [Fact]
    public void A_coarse_answer_that_agrees_with_the_detectors_label_is_sought_under_the_label_and_a_conflicting_one_is_kept()
    {
        // Scores over the real classifier's 1000 classes: tusker 101 (WordNet: any tusked mammal), leopard 288, Indian and African elephant 385, 386.
        float[] Scores(float tusker, float leopard, float indian, float african)
        {
            var scores = new float[1000];
            (scores[101], scores[288], scores[385], scores[386]) = (tusker, leopard, indian, african);
            return scores;
        }

        var elephantidae = Taxon.Parse("mammalia;proboscidea;elephantidae;;;")!;
        var threshold = _manifest.Threshold;

        // Alone the classifier can only say "a mammal" (tusker and African elephant share nothing finer);
        // with the detector's "elephant" most of its score lies under the family, and within it the species is sure.
        var mostlyElephant = Scores(tusker: 0.40f, leopard: 0.02f, indian: 0.02f, african: 0.56f);
        Assert.Equal("mammalia", _manifest.Answer(mostlyElephant, threshold).Taxon.ScientificName);
        var agreed = _manifest.Answer(mostlyElephant, threshold, detected: elephantidae);
        Assert.Equal("loxodonta africana", agreed.Taxon.ScientificName);
        Assert.Equal(0.56f / 0.58f, agreed.Score, 3);

        // Little of its score under the family: the classifier's own answer stands.
        Assert.Equal("mammalia", _manifest.Answer(Scores(tusker: 0.9f, leopard: 0.02f, indian: 0.04f, african: 0.04f), threshold, detected: elephantidae).Taxon.ScientificName);

        // Under the family but split between its genera: the family, no finer.
        Assert.Equal(elephantidae, _manifest.Answer(Scores(tusker: 0.3f, leopard: 0f, indian: 0.35f, african: 0.35f), threshold, detected: elephantidae).Taxon);

        // A sure answer outside the detector's label is the classifier's: a leopard the detector took for an elephant.
        Assert.Equal("panthera pardus", _manifest.Answer(Scores(tusker: 0.05f, leopard: 0.9f, indian: 0.02f, african: 0.03f), threshold, detected: elephantidae).Taxon.ScientificName);
    }

    [Fact]
    public void A_track_or_burst_is_named_by_the_summed_score_of_its_looks_not_by_one_odd_look()
    {
        var vote = new TaxonVote();
        Classification Look(Taxon taxon, float score) => new(taxon, score, "test", []);

        Assert.Null(vote.Add(null));
        Assert.Equal(Impala, vote.Add(Look(Impala, 0.6f))!.Taxon);
        Assert.Equal(Leopard, vote.Add(Look(Leopard, 0.9f))!.Taxon);
        Assert.Equal(Impala, vote.Add(Look(Impala, 0.7f))!.Taxon);

        // The winner is reported as its most confident look.
        Assert.Equal(0.7f, vote.Winner!.Score);
    }

    [Fact]
    public void An_expected_list_turns_a_species_outside_it_into_its_lowest_expected_ancestor()
    {
        var known = new[] { BlackBear, PolarBear, Leopard, Impala };
        var blackBearsOnly = ExpectedTaxa.Resolve(["ursus americanus", "bovidae"], known);

        Assert.Equal(BlackBear, blackBearsOnly.Allow(BlackBear));
        Assert.Equal("ursus", blackBearsOnly.Allow(PolarBear).ScientificName);
        Assert.Equal("carnivora", blackBearsOnly.Allow(Leopard).ScientificName);
        Assert.Equal(Impala, blackBearsOnly.Allow(Impala));

        var felids = ExpectedTaxa.Resolve(["panthera leo"], [.. known, Taxon.Parse("mammalia;carnivora;felidae;panthera;leo;lion")!]);
        Assert.Equal("family Felidae", felids.Allow(Taxon.Parse("mammalia;carnivora;felidae;acinonyx;jubatus;cheetah")!).Display);
    }

    [Fact]
    public void A_camera_with_its_own_expected_list_rolls_up_what_the_site_would_name()
    {
        // The real detector and classifier on the real elephants: named as elephants where nothing
        // is listed, but not at a camera that expects only antelopes and cattle (bovidae).
        var options = new DetectorOptions
        {
            Model = TestPaths.DefaultManifest,
            Provider = ExecutionProvider.Cpu,
            Classifier = new ClassifierOptions { Model = TestPaths.ClassifierManifest, ExpectedAt = new(StringComparer.Ordinal) { ["CT-RIVER"] = ["bovidae"] } },
        };
        using var detector = Pipeline.DetectorFactory.Create(options, NullLoggerFactory.Instance);
        using var read = PictureReader.Read(TestPaths.Picture(TestPaths.CameraTrap, "sn__african_elephants.jpg"), 0, 0);
        List<Taxon> Named(string source) =>
            detector.Detect(read.Pixels, 0.3f, null, source).Where(d => d.Category == DetectionCategory.Animal).Select(d => d.Taxon!.Taxon).ToList();

        var plain = Named("CT-PLAIN");
        var river = Named("CT-RIVER");
        Assert.Equal(plain.Count, river.Count);
        Assert.Contains(plain, t => t.IsWithin("elephantidae"));
        Assert.All(river, t => Assert.True(t.Rank is "class" or "kingdom", $"at CT-RIVER: {t.Display}"));
    }

    [Fact]
    public void Both_models_are_warmed_up_before_the_detector_is_handed_out()
    {
        // Otherwise the daemon's first alert, and the first animals' looks, pay for the first inferences.
        var options = new DetectorOptions
        {
            Model = TestPaths.DefaultManifest,
            Provider = ExecutionProvider.Cpu,
            Classifier = new ClassifierOptions { Model = TestPaths.ClassifierManifest },
        };
        using var logged = new FakeLoggerProvider();
        using (var loggers = LoggerFactory.Create(b => b.AddProvider(logged)))
        {
            Pipeline.DetectorFactory.Create(options, loggers).Dispose();
        }

        var said = logged.Collector.GetSnapshot().Select(r => r.Message).ToList();
        Assert.Contains(said, m => m.StartsWith("Warm-up: the detector's first inference on Cpu took", StringComparison.Ordinal));
        Assert.Contains(said, m => m.StartsWith("Warm-up: the species classifier's first inference on Cpu took", StringComparison.Ordinal));
    }

    [Fact]
    public void A_track_is_named_by_at_most_three_looks_and_a_track_being_decided_waits_for_its_own()
    {
        // The real detector and classifier on the real elephants, as video tracks seen on six frames
        // with the detector surer of them on each (each frame is worth another look): the tracks
        // decided on the second frame carry the classifier's answer, not the detector's family, and
        // each track is looked at three times, not six.
        var options = new DetectorOptions { Model = TestPaths.DefaultManifest, Provider = ExecutionProvider.Cpu, Classifier = new ClassifierOptions { Model = TestPaths.ClassifierManifest } };
        using var detector = (ClassifyingDetector)Pipeline.DetectorFactory.Create(options, NullLoggerFactory.Instance);
        using var read = PictureReader.Read(TestPaths.Picture(TestPaths.CameraTrap, "sn__african_elephants.jpg"), 0, 0);
        var animals = detector.Detect(read.Pixels, 0.3f, null, "CAM-LOOKS").Where(d => d.Category == DetectionCategory.Animal).Select(d => d with { Taxon = null }).ToList();
        Assert.NotEmpty(animals);
        var names = new Pipeline.TrackNames(detector, NullLogger.Instance);
        var looks = Hosting.AgentMetrics.SpeciesLooks.WithLabels("CAM-LOOKS");
        var before = looks.Value;
        var at = DateTimeOffset.UnixEpoch;
        try
        {
            for (var n = 1; n <= 6; n++)
            {
                using var frame = new Frame("CAM-LOOKS", at.AddSeconds(n), read.Pixels.Clone(), read.Width, read.Height, 1f);
                var tracked = animals.Select((d, i) => new Tracking.TrackedDetection(
                    d with { Confidence = 0.3f + (0.1f * n), Taxon = new Classification(Taxon.Parse("mammalia;proboscidea;elephantidae;;;")!, 0.4f, "detector", []) },
                    $"T{i}", at, n, Confirmed: n >= 2, JustConfirmed: n == 2, Best: true)).ToList();

                // From the second frame on, each frame decides the tracks (as one awaiting its position is), so each waits for its look.
                names.See(frame, tracked, _ => n >= 2);
                if (n == 2)
                {
                    Assert.All(tracked, t => Assert.Equal(detector.Classifier!.Manifest.Name, names.NameOf("CAM-LOOKS", t)!.Method));
                }
            }
        }
        finally
        {
            // Looks still running use the classifier: released only after them, even when an assertion fails.
            names.Complete();
        }

        Assert.Equal(3 * animals.Count, looks.Value - before);

        // Without a classifier, each frame's label votes.
        var labels = new Pipeline.TrackNames(null, NullLogger.Instance);
        var named = new Classification(Impala, 0.7f, "detector", []);
        var alone = new Tracking.TrackedDetection(animals[0] with { Taxon = named }, "T", at, 1, Confirmed: true, JustConfirmed: true, Best: true);
        Assert.Equal(Impala, labels.NameOf("CAM-LABELS", alone)!.Taxon);
    }

    [Fact]
    public void A_rule_on_a_family_alerts_for_a_species_under_it_and_not_for_another_family()
    {
        var rules = new RuleEngine(
            Options.Create(new AlertingOptions { Rules = [new AlertRule { Name = "bears", Objects = ["ursidae"], Severity = AlertSeverity.Warning }] }),
            TimeProvider.System,
            NullLogger<RuleEngine>.Instance);
        Observation Seen(Taxon taxon, string source) =>
            new(source, DateTimeOffset.UtcNow, null, new Detection("dog", DetectionCategory.Animal, 0.8f, default) { Taxon = new Classification(taxon, 0.9f, "test", []) });

        Assert.NotNull(rules.Decide(Seen(BlackBear, "CT-1"), []));
        Assert.Null(rules.Decide(Seen(Leopard, "CT-2"), []));
        Assert.Null(rules.Decide(new Observation("CT-3", DateTimeOffset.UtcNow, null, new Detection("bear", DetectionCategory.Animal, 0.8f, default)), []));
    }

    private Classification Classify(string picture, float x, float y, float w, float h, float? threshold = null)
    {
        using var read = PictureReader.Read(TestPaths.Picture(TestPaths.CameraTrap, picture), 0, 0);
        var (width, height) = (read.Pixels.Width, read.Pixels.Height);
        var box = new BoundingBox(x * width, y * height, w * width, h * height);
        return _manifest.Answer(_classifier.Classify(read.Pixels, [box])[0], threshold ?? _manifest.Threshold);
    }
}
