namespace EdgeAgent.Detection;

using EdgeAgent.Common.Observations;

/// <summary>
/// How sure a detection must be to count, the same in every verb: a minimum the user chose applies to
/// everything; without one, the model's typical threshold applies, raised for the categories whose
/// manifest asks for more (a model that mistakes shadows for people at 0.2).
/// </summary>
/// <param name="Minimum">The minimum for every category without one of its own.</param>
/// <param name="ByCategory">Categories' own minimums, when they apply.</param>
public sealed record ConfidencePolicy(float Minimum, DetectionThresholds? ByCategory = null)
{
    /// <summary>The policy for <paramref name="manifest"/>'s model when the user chose <paramref name="chosen"/> (null or 0: not chosen).</summary>
    public static ConfidencePolicy For(ModelManifest manifest, float? chosen)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        return chosen > 0 ? new ConfidencePolicy(chosen.Value) : new ConfidencePolicy(manifest.Thresholds.Typical, manifest.Thresholds);
    }

    /// <summary>What the model is asked for: the lowest of the minimums; each category's own is applied after.</summary>
    public float AskFor => ByCategory?.Lowest(Minimum) ?? Minimum;

    /// <summary>Whether <paramref name="detection"/> is sure enough for its category.</summary>
    public bool Keeps(Detection detection)
    {
        ArgumentNullException.ThrowIfNull(detection);
        return detection.Confidence >= (ByCategory?.For(detection.Category, Minimum) ?? Minimum);
    }
}
