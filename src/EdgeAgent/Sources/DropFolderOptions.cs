namespace EdgeAgent.Sources;

using EdgeAgent.Detection;
using EdgeAgent.Tracking;

/// <summary>What happens to a camera-trap picture once its detections are recorded.</summary>
public enum AfterProcessing
{
    /// <summary>Leave it where it is; the ledger remembers it was done.</summary>
    Leave,

    /// <summary>Move it into a <c>processed/</c> folder beside it.</summary>
    Move,
}

/// <summary>A camera trap's upload folder.</summary>
public sealed class DropFolderOptions : IListItem
{
    /// <summary>The camera's id: its pictures' source, matched to <c>Geofencing:Cameras</c> for the position.</summary>
    public string Id { get; set; } = "";

    /// <summary>The folder, watched recursively.</summary>
    public string Path { get; set; } = "";

    /// <summary>Leave processed pictures or move them into <c>processed/</c>.</summary>
    public AfterProcessing AfterProcessing { get; set; } = AfterProcessing.Leave;

    /// <summary>A file counts as complete when its size and time have not changed for this long.</summary>
    public TimeSpan StableFor { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>A file that still does not decode this long after its last change is recorded as failed.</summary>
    public TimeSpan GiveUpAfter { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// A capture time more than this before the picture arrives is taken for a reset clock; off when
    /// not set, since an archive or a card read after a season is legitimately old (90 days suits a
    /// camera that uploads as it shoots).
    /// </summary>
    public TimeSpan? MaxPictureAge { get; set; }

    /// <summary>Masked areas of this camera's view.</summary>
    public List<MaskPolygon> Masks { get; set; } = [];

    /// <summary>Repeat-detection elimination of static objects (a burned-in bar called a car, a rock called a bear).</summary>
    public RepeatDetectionOptions StaticObjects { get; set; } = new();

    /// <summary>The pictures are drone photos that carry their own pose (DJI: EXIF GPS, XMP height and gimbal angles); each is placed from it instead of from <c>Geofencing:Cameras</c>.</summary>
    public bool DronePhotos { get; set; }

    /// <inheritdoc />
    public IEnumerable<string> Problems()
    {
        if (!Directory.Exists(Path))
        {
            yield return $":Path: folder '{Path}' does not exist";
        }

        if (StableFor < TimeSpan.Zero)
        {
            yield return ":StableFor: cannot be negative";
        }

        if (GiveUpAfter < TimeSpan.Zero)
        {
            yield return ":GiveUpAfter: cannot be negative";
        }

        if (MaxPictureAge is { } age && age <= TimeSpan.Zero)
        {
            yield return $":MaxPictureAge: {age} must be positive";
        }

        foreach (var problem in MaskPolygon.Problems(Masks).Concat(StaticObjects.Problems().Select(p => ":StaticObjects" + p)))
        {
            yield return problem;
        }
    }
}
