namespace EdgeAgent.Tracking;


/// <summary>Configuration section <c>Tracking</c>: how video detections become tracks.</summary>
public sealed class TrackingOptions : IOptionsSection
{
    /// <summary>The section's name.</summary>
    public static string SectionName => "Tracking";

    /// <summary>Frames a track must be seen in before it counts (and may alert): one-frame flickers do not.</summary>
    public int Inertia { get; set; } = 3;

    /// <summary>A detection continues a track of its label when their boxes overlap at least this much.</summary>
    public float MinIou { get; set; } = 0.3f;

    /// <summary>A track not seen for this long has ended.</summary>
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromSeconds(2);

    /// <inheritdoc />
    public IEnumerable<string> Problems()
    {
        if (Inertia < 1)
        {
            yield return "Tracking:Inertia: must be at least 1";
        }

        if (MinIou is <= 0 or > 1)
        {
            yield return "Tracking:MinIou: must lie in (0, 1]";
        }
    }
}
