namespace EdgeAgent.Recording;


/// <summary>Configuration section <c>Recording</c>: what the record keeps (in <c>Database:Path</c>), and the snapshots.</summary>
public sealed class RecordingOptions : IOptionsSection
{
    /// <summary>The section's name.</summary>
    public static string SectionName => "Recording";

    private static readonly string StateDirectory = Environment.GetEnvironmentVariable("STATE_DIRECTORY") ?? ".";

    /// <summary>Folder of annotated alert pictures.</summary>
    public string SnapshotFolder { get; set; } = Path.Combine(StateDirectory, "snapshots");

    /// <summary>Snapshots older than this are deleted.</summary>
    public TimeSpan SnapshotMaxAge { get; set; } = TimeSpan.FromDays(30);

    /// <summary>The oldest snapshots are deleted while the folder holds more than this.</summary>
    public long SnapshotMaxMegabytes { get; set; } = 2048;

    /// <summary>Whether every video frame's detections get rows of their own; by default video is recorded as tracks only.</summary>
    public bool VideoDetections { get; set; }

    /// <summary>Camera-trap pictures of one label and camera each within this time of the one before are one burst, and count once.</summary>
    public TimeSpan BurstGap { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Within one flight, a video track placed on the ground this close (metres) to an earlier track of its label is the same animal, counted once; 0 counts every track.</summary>
    public double SameAnimalWithin { get; set; } = 10;

    /// <summary>Lowest confidence recorded and handed to the rules; the model's typical threshold when 0.</summary>
    public float MinConfidence { get; set; }

    /// <inheritdoc />
    public IEnumerable<string> Problems()
    {
        if (MinConfidence is < 0 or > 1)
        {
            yield return $"Recording:MinConfidence: {MinConfidence} must lie between 0 and 1";
        }

        if (BurstGap < TimeSpan.Zero)
        {
            yield return $"Recording:BurstGap: {BurstGap} cannot be negative";
        }

        if (SameAnimalWithin < 0)
        {
            yield return $"Recording:SameAnimalWithin: {SameAnimalWithin} cannot be negative";
        }

        if (SnapshotMaxMegabytes < 1)
        {
            yield return "Recording:SnapshotMaxMegabytes: must be at least 1";
        }
    }
}
