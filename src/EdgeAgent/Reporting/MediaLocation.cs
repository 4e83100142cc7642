namespace EdgeAgent.Reporting;

/// <summary>
/// Where a Camtrap DP package says each picture is (<c>filePath</c>): the standard reads a relative
/// path as a file inside the package, so a picture is either copied in (<see cref="Include"/>) or
/// named by an absolute location — under <see cref="BaseUrl"/> where the pictures are published, else
/// a <c>file:</c> URI of where the agent keeps it.
/// </summary>
/// <param name="Folders">Per drop folder (source id), the folder its finished pictures are in.</param>
/// <param name="BaseUrl">Where the pictures are published, as <c>BASE/SOURCE/PATH</c>; null when they are not.</param>
/// <param name="Include">Copy the pictures into the package's <c>media</c> folder.</param>
/// <param name="IncludePeople">Copy pictures with people too (left out by default: they are personal data).</param>
public sealed record MediaLocation(IReadOnlyDictionary<string, string> Folders, string? BaseUrl = null, bool Include = false, bool IncludePeople = false)
{
    /// <summary>No folders known, nothing published or copied.</summary>
    public static MediaLocation Unknown { get; } = new(new Dictionary<string, string>());

    /// <summary>The picture's absolute location; null when it is not known (no configuration, no base URL).</summary>
    public string? Of(string sourceId, string path)
    {
        if (BaseUrl is { Length: > 0 } url)
        {
            return $"{url.TrimEnd('/')}/{Uri.EscapeDataString(sourceId)}/{string.Join('/', path.Split('/', '\\').Select(Uri.EscapeDataString))}";
        }

        return LocalFile(sourceId, path) is { } file ? new Uri(file).AbsoluteUri : null;
    }

    /// <summary>The picture on this machine, when its drop folder is known and it lies inside it.</summary>
    public string? LocalFile(string sourceId, string path)
    {
        if (!Folders.TryGetValue(sourceId, out var folder))
        {
            return null;
        }

        var root = Path.GetFullPath(folder);
        var file = Path.GetFullPath(Path.Combine(root, path));
        return file.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal) ? file : null;
    }
}
