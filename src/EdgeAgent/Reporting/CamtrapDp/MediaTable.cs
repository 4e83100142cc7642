namespace EdgeAgent.Reporting.CamtrapDp;

using EdgeAgent.Recording;
using static EdgeAgent.Reporting.CamtrapDp.CamtrapFormat;

/// <summary>The <c>media</c> table: a row per camera-trap picture, the picture copied into the package when asked.</summary>
internal static class MediaTable
{
    /// <summary>The table's columns, in the order of the standard's table schema.</summary>
    internal static readonly string[] Columns =
        ["mediaID", "deploymentID", "captureMethod", "timestamp", "filePath", "filePublic", "fileName", "fileMediatype", "exifData", "favorite", "mediaComments"];

    /// <summary>Writes the media table as it reads the pictures (a month of a large site is millions of rows); each picture's medium ID by its file.</summary>
    public static (Dictionary<(string Source, string Path), (string Id, PictureRow Picture)> Ids, int Copied, int Unlocated) Write(
        RecordQueries records, List<PictureRow> pictures, MediaLocation location, string folder, DateTimeOffset start, DateTimeOffset end)
    {
        var mediaIds = new Dictionary<(string Source, string Path), (string Id, PictureRow Picture)>();
        var withPeople = location.Include && !location.IncludePeople
            ? records.Detections(start, end).Where(d => d.Category == "person" && d.Path is not null).Select(d => (d.SourceId, d.Path!)).ToHashSet()
            : [];
        var (copied, unlocated) = (0, 0);
        using var media = Table(Path.Combine(folder, "media.csv"), Columns);
        foreach (var p in pictures)
        {
            var id = Id("m", p.SourceId, p.Path);
            mediaIds[(p.SourceId, p.Path)] = (id, p);
            var filePath = location.Include && !withPeople.Contains((p.SourceId, p.Path)) ? CopyIn(location, p, folder) : null;
            copied += filePath is null ? 0 : 1;
            filePath ??= location.Of(p.SourceId, p.Path);
            unlocated += filePath is null ? 1 : 0;
            Row(media, Fields(Columns, new()
            {
                ["mediaID"] = id,
                ["deploymentID"] = p.SourceId,
                ["captureMethod"] = "activityDetection",
                ["timestamp"] = Timestamp(p.TakenAt),
                ["filePath"] = filePath ?? p.Path,

                // Pictures of people and of where rhinos are must not go public by default.
                ["filePublic"] = "false",
                ["fileName"] = Path.GetFileName(p.Path),
                ["fileMediatype"] = Path.GetExtension(p.Path).Equals(".png", StringComparison.OrdinalIgnoreCase) ? "image/png" : "image/jpeg",
                ["mediaComments"] = p.TimestampIssue,
            }));
        }

        return (mediaIds, copied, unlocated);
    }

    /// <summary>Copies a picture into the package's <c>media</c> folder; its path there, or null when it is not on this machine.</summary>
    private static string? CopyIn(MediaLocation location, PictureRow picture, string package)
    {
        if (location.LocalFile(picture.SourceId, picture.Path) is not { } file || !File.Exists(file))
        {
            return null;
        }

        // Names from outside the agent never leave the package's media folder, and never hold the ".." the standard forbids.
        var relative = $"media/{Safe(picture.SourceId)}/{string.Join('/', picture.Path.Split('/', '\\').Select(Safe))}";
        var target = Path.GetFullPath(Path.Combine(package, relative));
        if (!target.StartsWith(Path.GetFullPath(Path.Combine(package, "media")) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            return null;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        File.Copy(file, target, overwrite: true);
        return relative;
    }

    private static string Safe(string name)
    {
        var safe = new string(name.Replace("..", "_", StringComparison.Ordinal).Select(c => char.IsControl(c) || c is ':' or '~' ? '_' : c).ToArray());
        return safe.Length > 0 && safe[0] != '.' ? safe : "_" + safe;
    }
}
