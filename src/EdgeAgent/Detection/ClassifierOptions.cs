namespace EdgeAgent.Detection;

/// <summary>The species stage (configuration section <c>Detector:Classifier</c>; <c>detect --classifier</c>).</summary>
public sealed record ClassifierOptions
{
    /// <summary>The classifier's manifest; empty: no classifier (animals are named from the detector's label alone).</summary>
    public string Model { get; init; } = "";

    /// <summary>
    /// The classifier's name on the Triton server of <c>Detector:Triton</c> (with <c>Detector:Backend</c>
    /// Triton): it runs there, and here while the server is away when <c>Detector:Triton:Fallback</c> is
    /// on. Empty: it runs here. <see cref="Model"/> is still its manifest (input, labels, taxonomy).
    /// </summary>
    public string TritonModel { get; init; } = "";

    /// <summary>Summed score at which a rank is named; 0: the manifest's threshold.</summary>
    public float Threshold { get; init; }

    /// <summary>Taxa expected where the cameras stand, at any rank (<c>loxodonta africana</c>, <c>bovidae</c>); a prediction outside them rolls up. Empty: any.</summary>
    public IReadOnlyList<string> Expected { get; init; } = [];

    /// <summary>
    /// Taxa expected per source (its id → taxa), in place of <see cref="Expected"/> for that source:
    /// the camera by the river expects otters, the one on the plain does not.
    /// </summary>
    public Dictionary<string, string[]> ExpectedAt { get; init; } = new(StringComparer.Ordinal);

    /// <summary>The settings' problems, each naming its key.</summary>
    public IEnumerable<string> Problems(string section)
    {
        if (Threshold is < 0 or > 1)
        {
            yield return $"{section}:Threshold: {Threshold} must lie between 0 and 1 (0: the manifest's)";
        }

        foreach (var name in Expected.Where(e => string.IsNullOrWhiteSpace(e)))
        {
            yield return $"{section}:Expected: an empty taxon name";
        }

        foreach (var (source, names) in ExpectedAt)
        {
            if (names is null || names.Length == 0 || names.Any(string.IsNullOrWhiteSpace))
            {
                yield return $"{section}:ExpectedAt:{source}: a list of taxon names, none empty";
            }
        }
    }
}
