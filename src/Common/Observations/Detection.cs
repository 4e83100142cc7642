namespace EdgeAgent.Common.Observations;

/// <summary>One thing a detector found in one picture.</summary>
/// <param name="Label">What the model calls it: a species (<c>giraffe</c>) or a class (<c>truck</c>, <c>animal</c>).</param>
/// <param name="Category">Its MegaDetector category, from the model manifest's category map.</param>
/// <param name="Confidence">The model's score, 0–1.</param>
/// <param name="Box">Where it is, in the pixels of the picture.</param>
public sealed record Detection(string Label, DetectionCategory Category, float Confidence, BoundingBox Box)
{
    /// <summary>What the animal is, as a taxon (from a species classifier, or the detector's label); null for people, vehicles and unnamed animals.</summary>
    public Classification? Taxon { get; init; }

    /// <summary>Whether a rule's object names this detection: its label, its category, or a taxon it lies under (<c>felidae</c>).</summary>
    public bool Is(string name) =>
        string.Equals(name, Label, StringComparison.OrdinalIgnoreCase)
        || string.Equals(name, Category.Name(), StringComparison.OrdinalIgnoreCase)
        || Taxon?.Taxon.IsWithin(name) == true;
}
