namespace EdgeAgent.Species;

using System.Text.Json.Serialization;
using EdgeAgent.Common.Observations;
using EdgeAgent.Detection;

/// <summary>
/// Describes a species classifier without code, beside the detectors' manifests: which file, how a
/// crop becomes its input, its labels and the taxonomy behind them (see <c>models/classifiers/</c>).
/// </summary>
public sealed record ClassifierManifest
{
    /// <summary>A short name, written as the classification method.</summary>
    public required string Name { get; init; }

    /// <summary>The ONNX file, relative to the manifest.</summary>
    public required string Model { get; init; }

    /// <summary>Class labels, one a line, relative to the manifest.</summary>
    public required string LabelsFile { get; init; }

    /// <summary>The taxonomy, relative to the manifest: <c>index;class;order;family;genus;species;common name</c>; classes without a line are not animals.</summary>
    public required string TaxonomyFile { get; init; }

    /// <summary>How a crop becomes the input tensor.</summary>
    public required ClassifierInputSpec Input { get; init; }

    /// <summary>Name of the output tensor; the model's first output when absent.</summary>
    public string? Output { get; init; }

    /// <summary>The output holds logits to be turned into probabilities (true) or probabilities already (false).</summary>
    public bool Softmax { get; init; } = true;

    /// <summary>Summed score at which a rank is named; below it the answer rolls up.</summary>
    public float Threshold { get; init; } = 0.7f;

    /// <summary>The square crop around a box is grown by this share of its side: some background helps a classifier.</summary>
    public float CropPadding { get; init; } = 0.15f;

    /// <summary>
    /// When the classifier's answer is coarser than the taxon the detector's own label supports and
    /// agrees with it (the classifier: "a mammal"; the detector: "an elephant", family Elephantidae),
    /// and at least this share of the classifier's score lies under that taxon, the answer is sought
    /// under it: the two models together name what neither names alone. 0 turns it off.
    /// </summary>
    public float DetectorAgreement { get; init; } = 0.5f;

    /// <summary>Full path of the ONNX file.</summary>
    [JsonIgnore]
    public string ModelPath { get; private init; } = "";

    /// <summary>Labels in class order.</summary>
    [JsonIgnore]
    public IReadOnlyList<string> Labels { get; private init; } = [];

    /// <summary>The taxonomy of the labels.</summary>
    [JsonIgnore]
    public Taxonomy Taxonomy { get; private init; } = Taxonomy.Empty;

    /// <summary>The answer for one crop's class scores (rolled up, see <see cref="Taxonomy.RollUp"/>), with the five best classes beside it.</summary>
    public Classification Answer(float[] scores, float threshold, ExpectedTaxa? expected = null, Taxon? detected = null)
    {
        ArgumentNullException.ThrowIfNull(scores);
        var (taxon, score) = Taxonomy.RollUp(scores, threshold, expected);
        if (detected is not null && DetectorAgreement > 0 && taxon != detected && detected.IsWithin(taxon.ScientificName)
            && Taxonomy.RollUpWithin(scores, detected, DetectorAgreement, threshold, expected) is { } agreed)
        {
            (taxon, score) = agreed;
        }

        // The detector's taxon is not exempt from the expected list: an elephant where none is expected is not named one.
        taxon = expected?.Allow(taxon) ?? taxon;

        var top = scores.Select((s, c) => new ScoredClass(Labels[c], s, Taxonomy.Taxa.ElementAtOrDefault(c))).OrderByDescending(c => c.Score).Take(5).ToList();
        return new Classification(taxon, score, Name, top);
    }

    /// <summary>Reads and checks a manifest, its labels and its taxonomy; every problem is a <see cref="ConfigurationException"/> naming the file.</summary>
    public static ClassifierManifest Load(string path)
    {
        var fullPath = Path.GetFullPath(path);
        var manifest = StrictJson.Read<ClassifierManifest>(fullPath, $"classifier manifest {path}");

        var problems = new List<string>();
        var folder = Path.GetDirectoryName(fullPath)!;
        if (manifest.Input is not { Width: > 0, Height: > 0, Mean.Count: 3, Std.Count: 3 } || manifest.Input.Std.Any(s => s <= 0))
        {
            problems.Add("input needs a positive width and height, and three means and three positive standard deviations");
        }

        if (manifest.Threshold is <= 0 or > 1 || manifest.CropPadding is < 0 or > 2 || manifest.DetectorAgreement is < 0 or > 1)
        {
            problems.Add($"threshold ({manifest.Threshold}) must lie in (0, 1], cropPadding ({manifest.CropPadding}) in [0, 2] and detectorAgreement ({manifest.DetectorAgreement}) in [0, 1]");
        }

        var labels = ModelManifest.ReadLabels(Path.Combine(folder, manifest.LabelsFile), problems);

        var taxonomy = Taxonomy.Empty;
        if (problems.Count == 0)
        {
            var taxonomyPath = Path.Combine(folder, manifest.TaxonomyFile);
            try
            {
                taxonomy = Taxonomy.Load(taxonomyPath, labels);
            }
            catch (ConfigurationException e)
            {
                problems.Add(e.Message);
            }
        }

        if (problems.Count > 0)
        {
            throw new ConfigurationException($"classifier manifest {fullPath}: {string.Join("; ", problems)}");
        }

        return manifest with { ModelPath = Path.GetFullPath(Path.Combine(folder, manifest.Model)), Labels = labels, Taxonomy = taxonomy };
    }
}

/// <summary>How a crop becomes a classifier's input: resized square, channels in order, <c>(pixel/255 − mean) / std</c>.</summary>
public sealed record ClassifierInputSpec
{
    /// <summary>Name of the input tensor; the model's first input when absent.</summary>
    public string? Name { get; init; }

    /// <summary>Input width in pixels.</summary>
    public required int Width { get; init; }

    /// <summary>Input height in pixels.</summary>
    public required int Height { get; init; }

    /// <summary>Channel order.</summary>
    public ColorOrder ColorOrder { get; init; } = ColorOrder.Rgb;

    /// <summary>Per channel, in the model's channel order, on 0–1 pixels.</summary>
    public IReadOnlyList<float> Mean { get; init; } = [0f, 0f, 0f];

    /// <summary>Per channel, in the model's channel order, on 0–1 pixels.</summary>
    public IReadOnlyList<float> Std { get; init; } = [1f, 1f, 1f];
}
