namespace EdgeAgent.Sources;


/// <summary>A picture file found under one of the inputs.</summary>
/// <param name="FullPath">Where it is.</param>
/// <param name="Name">Its path relative to the input it was found under, with '/' separators: the <c>file</c> of MegaDetector output.</param>
/// <param name="InputRoot">The folder <paramref name="Name"/> is relative to.</param>
public sealed record PictureFile(string FullPath, string Name, string InputRoot)
{
    /// <summary>The camera a picture belongs to: its folder relative to the input ("." for the input itself).</summary>
    public string Camera => Path.GetDirectoryName(Name) is { Length: > 0 } folder ? folder.Replace('\\', '/') : ".";
}

/// <summary>Finds the camera-trap pictures under the inputs of a <c>detect</c> run.</summary>
public static class PictureFiles
{
    private static readonly HashSet<string> Extensions = new(StringComparer.OrdinalIgnoreCase) { ".jpg", ".jpeg", ".png" };

    /// <summary>Whether a file name has a picture extension (.jpg, .jpeg, .png in any case).</summary>
    public static bool IsPicture(string path) => Extensions.Contains(Path.GetExtension(path));

    /// <summary>
    /// Lists the pictures under files and folders, sorted by name within each input. A missing input
    /// is a configuration error; a folder that cannot be read is reported through <paramref name="problem"/>
    /// and skipped, so one bad folder does not stop a night's batch.
    /// </summary>
    /// <param name="inputs">Files and folders.</param>
    /// <param name="recursive">Walk sub-folders.</param>
    /// <param name="problem">Told about folders that cannot be read.</param>
    /// <param name="skipFolder">Sub-folders (full paths) not to walk, such as a drop folder's <c>processed/</c>.</param>
    public static List<PictureFile> Find(IEnumerable<string> inputs, bool recursive, Action<string> problem, Func<string, bool>? skipFolder = null)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(problem);
        var found = new List<PictureFile>();
        foreach (var input in inputs)
        {
            var fullPath = Path.GetFullPath(input);
            if (File.Exists(fullPath))
            {
                var root = Path.GetDirectoryName(fullPath)!;
                found.Add(new PictureFile(fullPath, Path.GetFileName(fullPath), root));
            }
            else if (Directory.Exists(fullPath))
            {
                var pictures = new List<PictureFile>();
                Walk(fullPath, fullPath, recursive, pictures, problem, skipFolder ?? (_ => false));
                pictures.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
                found.AddRange(pictures);
            }
            else
            {
                throw new ConfigurationException($"input {input}: no such file or folder");
            }
        }

        return found;
    }

    private static void Walk(string root, string folder, bool recursive, List<PictureFile> pictures, Action<string> problem, Func<string, bool> skipFolder)
    {
        string[] entries;
        try
        {
            entries = Directory.GetFileSystemEntries(folder);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problem($"folder {folder} cannot be read: {e.Message}");
            return;
        }

        foreach (var entry in entries)
        {
            if (Directory.Exists(entry))
            {
                // Symbolic links to folders are not followed: a link back up the tree would never end.
                if (recursive && new DirectoryInfo(entry).LinkTarget is null && !skipFolder(entry))
                {
                    Walk(root, entry, recursive, pictures, problem, skipFolder);
                }
            }
            else if (IsPicture(entry))
            {
                pictures.Add(new PictureFile(entry, Path.GetRelativePath(root, entry).Replace('\\', '/'), root));
            }
        }
    }
}
