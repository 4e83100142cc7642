namespace EdgeAgent.Recording;

using EdgeAgent.Alerting;

/// <summary>Configuration section <c>Recording</c>: the record of everything seen, and the alert snapshots.</summary>
public sealed class RecordingOptions : ISelfValidating
{
    /// <summary>The section's name.</summary>
    public const string SectionName = "Recording";

    private static readonly string StateDirectory = Environment.GetEnvironmentVariable("STATE_DIRECTORY") ?? ".";

    /// <summary>SQLite file of detections and of the camera-trap files done. Default: <c>records.db</c> in systemd's state directory, else here.</summary>
    public string DatabasePath { get; set; } = Path.Combine(StateDirectory, "records.db");

    /// <summary>Folder of annotated alert pictures.</summary>
    public string SnapshotFolder { get; set; } = Path.Combine(StateDirectory, "snapshots");

    /// <summary>Snapshots older than this are deleted.</summary>
    public TimeSpan SnapshotMaxAge { get; set; } = TimeSpan.FromDays(30);

    /// <summary>The oldest snapshots are deleted while the folder holds more than this.</summary>
    public long SnapshotMaxMegabytes { get; set; } = 2048;

    /// <summary>Lowest confidence recorded and handed to the rules; the model's typical threshold when 0.</summary>
    public float MinConfidence { get; set; }

    /// <inheritdoc />
    public IEnumerable<string> Problems()
    {
        if (string.IsNullOrWhiteSpace(DatabasePath))
        {
            yield return "Recording:DatabasePath: must name a file";
        }

        if (MinConfidence is < 0 or > 1)
        {
            yield return $"Recording:MinConfidence: {MinConfidence} must lie between 0 and 1";
        }

        if (SnapshotMaxMegabytes < 1)
        {
            yield return "Recording:SnapshotMaxMegabytes: must be at least 1";
        }
    }
}
