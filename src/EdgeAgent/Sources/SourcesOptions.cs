namespace EdgeAgent.Sources;


/// <summary>Configuration section <c>Sources</c>: the drop folders and video streams the daemon reads.</summary>
public sealed class SourcesOptions : IOptionsSection
{
    /// <summary>The section's name.</summary>
    public static string SectionName => "Sources";

    /// <summary>Folders that camera traps upload pictures into.</summary>
    public List<DropFolderOptions> DropFolders { get; set; } = [];

    /// <summary>Drone and fixed-camera video streams.</summary>
    public List<StreamOptions> Streams { get; set; } = [];

    /// <summary>
    /// Camera-trap pictures decoded at once, over all drop folders; decoding a large JPEG costs about as
    /// much as inference on the CPU. 0 (default): 1 when inference is on the CPU, all cores but one when
    /// it is on a GPU or a Triton server.
    /// </summary>
    public int DecodeWorkers { get; set; }

    /// <summary>Drop folders are also rescanned this often: file-system watchers miss events.</summary>
    public TimeSpan RescanInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Pictures larger than this are decoded at reduced scale (JPEG) or refused: a 3 MB PNG can hold 3 600 megapixels.</summary>
    public int MaxPictureMegapixels { get; set; } = PictureReader.DefaultMaxMegapixels;

    /// <inheritdoc />
    public IEnumerable<string> Problems()
    {
        if (DecodeWorkers < 0)
        {
            yield return $"Sources:DecodeWorkers: {DecodeWorkers} cannot be negative (0: sized from the cores and where inference runs)";
        }

        if (RescanInterval < TimeSpan.FromMilliseconds(100))
        {
            yield return $"Sources:RescanInterval: {RescanInterval} must be at least 00:00:00.1 (a rescan costs a directory walk)";
        }

        if (MaxPictureMegapixels is < 1 or > 1000)
        {
            yield return $"Sources:MaxPictureMegapixels: {MaxPictureMegapixels} must lie between 1 and 1000";
        }

        // A drop folder's id and a stream's both name a frame's source: one set of names for the two lists.
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var problem in ListSettings.Problems("Sources:DropFolders", DropFolders, "Id", f => f.Id, ids)
            .Concat(ListSettings.Problems("Sources:Streams", Streams, "Id", s => s.Id, ids)))
        {
            yield return problem;
        }
    }
}
