namespace EdgeAgent.Verdicts;


/// <summary>Configuration section <c>Verdicts</c>: what a ranger's "not a threat" does.</summary>
public sealed class VerdictOptions : IOptionsSection
{
    /// <summary>The section's name.</summary>
    public static string SectionName => "Verdicts";

    /// <summary>How long a "not a threat" keeps the same label at the same place of that camera from alerting.</summary>
    public TimeSpan SuppressFor { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How much a box must overlap the dismissed one (intersection over union) to be the same thing at the same place.</summary>
    public float MinIou { get; set; } = 0.5f;

    /// <inheritdoc />
    public IEnumerable<string> Problems()
    {
        if (SuppressFor <= TimeSpan.Zero)
        {
            yield return $"Verdicts:SuppressFor: {SuppressFor} must be positive";
        }

        if (MinIou is <= 0 or > 1)
        {
            yield return $"Verdicts:MinIou: {MinIou} must lie in (0, 1]";
        }
    }
}
