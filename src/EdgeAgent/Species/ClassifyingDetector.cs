namespace EdgeAgent.Species;

using System.Diagnostics;
using EdgeAgent.Common.Observations;
using EdgeAgent.Detection;
using OpenCvSharp;

/// <summary>
/// The species stage, built into the one path every verb takes: wraps the detector, and names each
/// animal it finds — from the species classifier over the animal's crop when there is one (all
/// crops of a frame in one batch), else from the detector's own label at the rank it honestly
/// supports — rolled up where unsure and to the taxa expected where the picture was taken. People and vehicles pass unchanged.
/// </summary>
public sealed class ClassifyingDetector : IDetector
{
    private readonly IDetector _detector;
    private readonly float _threshold;
    private readonly ExpectedTaxa? _expected;
    private readonly Dictionary<string, ExpectedTaxa> _expectedAt;

    /// <summary>Names what <paramref name="detector"/> finds; it is disposed with this.</summary>
    public ClassifyingDetector(IDetector detector, ICropClassifier? classifier, ClassifierOptions options)
    {
        ArgumentNullException.ThrowIfNull(detector);
        ArgumentNullException.ThrowIfNull(options);
        _detector = detector;
        Classifier = classifier;
        _threshold = options.Threshold > 0 ? options.Threshold : classifier?.Manifest.Threshold ?? 0f;
        _expected = options.Expected.Count > 0 ? ExpectedTaxa.Resolve(options.Expected, Answers) : null;
        _expectedAt = options.ExpectedAt.ToDictionary(e => e.Key, e => ExpectedTaxa.Resolve(e.Value, Answers), StringComparer.Ordinal);
    }

    /// <summary>The detector whose animals this names.</summary>
    public IDetector Inner => _detector;

    /// <summary>The species classifier, or null when animals are named from the detector's label.</summary>
    public ICropClassifier? Classifier { get; }

    /// <inheritdoc />
    public ModelManifest Manifest => _detector.Manifest;

    /// <inheritdoc />
    public bool InfersOffCpu => _detector.InfersOffCpu;

    /// <inheritdoc />
    public string RunsOn => _detector.RunsOn;

    /// <summary>Every taxon the stage can answer, at every rank: what a rule may name.</summary>
    public IEnumerable<Taxon> Reachable => Answers.SelectMany(t => t.WithAncestors).Distinct();

    /// <summary>The taxa of the classifier's classes and of the detector's labels.</summary>
    private IEnumerable<Taxon> Answers => (Classifier?.Manifest.Taxonomy.Taxa.OfType<Taxon>() ?? []).Concat(Manifest.LabelTaxa.Values);

    /// <inheritdoc />
    public IReadOnlyList<Detection> Detect(Mat picture, float minConfidence, StageTimings? timings = null) => Detect(picture, minConfidence, timings, null);

    /// <inheritdoc />
    public IReadOnlyList<Detection> Detect(Mat picture, float minConfidence, StageTimings? timings, string? source, bool classify = true)
    {
        var found = _detector.Detect(picture, minConfidence, timings);
        var animals = Enumerable.Range(0, found.Count).Where(i => found[i].Category == DetectionCategory.Animal).ToList();
        if (animals.Count == 0)
        {
            return found;
        }

        var named = found.ToArray();
        if (Classifier is null || !classify)
        {
            var expected = Expected(source);
            foreach (var i in animals)
            {
                if (Manifest.LabelTaxa.TryGetValue(named[i].Label, out var taxon))
                {
                    named[i] = named[i] with { Taxon = new Classification(expected?.Allow(taxon) ?? taxon, named[i].Confidence, "detector", []) };
                }
            }

            return named;
        }

        var answers = Classify(picture, animals.Select(i => named[i]).ToList(), source, timings);
        for (var a = 0; a < animals.Count; a++)
        {
            named[animals[a]] = named[animals[a]] with { Taxon = answers[a] };
        }

        return named;
    }

    /// <summary>
    /// The classifier's answers for animals found in a picture of <paramref name="source"/> (their
    /// boxes in the picture's pixels), all crops in one batch: rolled up where unsure, kept to the
    /// taxa expected there, narrowed by the detector's label where they agree.
    /// </summary>
    public IReadOnlyList<Classification> Classify(Mat picture, IReadOnlyList<Detection> animals, string? source, StageTimings? timings = null)
    {
        ArgumentNullException.ThrowIfNull(animals);
        if (Classifier is null)
        {
            throw new InvalidOperationException("no species classifier is configured");
        }

        var expected = Expected(source);
        var start = Stopwatch.GetTimestamp();
        var scores = Classifier.Classify(picture, animals.Select(d => d.Box).ToList());
        timings?.Add(Stage.Classify, start);
        return animals.Select((d, a) => Classifier.Manifest.Answer(scores[a], _threshold, expected, Manifest.LabelTaxa.GetValueOrDefault(d.Label))).ToList();
    }

    private ExpectedTaxa? Expected(string? source) => source is not null && _expectedAt.TryGetValue(source, out var there) ? there : _expected;

    /// <inheritdoc />
    public void Dispose()
    {
        _detector.Dispose();
        Classifier?.Dispose();
    }
}
