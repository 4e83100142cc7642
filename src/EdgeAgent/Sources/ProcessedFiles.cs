namespace EdgeAgent.Sources;

/// <summary>
/// A drop folder's processed-files ledger: which files are done (the database's ledger, with the
/// ones left in place cached so that a rescan of thousands does not ask the database for each),
/// which are on their way through the pipeline (a rescan must not take them again), and what becomes
/// of a finished file (left in place, or moved to <see cref="Folder"/>).
/// </summary>
internal sealed class ProcessedFiles(DropFolderOptions folder, string root, IPictureLedger ledger, Action<string> problem)
{
    /// <summary>Where a folder's pictures go when they are moved once done.</summary>
    public const string Folder = "processed";

    private readonly HashSet<FileKey> _done = [];
    private readonly HashSet<FileKey> _inFlight = [];

    /// <summary>The folder finished files are moved to.</summary>
    public string ProcessedPath { get; } = Path.Combine(root, Folder);

    /// <summary>Whether the file is on its way through the pipeline now.</summary>
    public bool InFlight(FileKey key)
    {
        lock (_inFlight)
        {
            return _inFlight.Contains(key);
        }
    }

    /// <summary>Whether the file's record was committed (in this run or an earlier one).</summary>
    public bool IsDone(FileKey key)
    {
        lock (_done)
        {
            if (_done.Contains(key))
            {
                return true;
            }
        }

        if (!ledger.IsDone(key))
        {
            return false;
        }

        Remember(key);
        return true;
    }

    /// <summary>The file is taken: rescans leave it alone until it is finished or released.</summary>
    public void Take(FileKey key)
    {
        lock (_inFlight)
        {
            _inFlight.Add(key);
        }
    }

    /// <summary>The file is given back unfinished (an upload still in progress): a later scan takes it again.</summary>
    public void Release(FileKey key)
    {
        lock (_inFlight)
        {
            _inFlight.Remove(key);
        }
    }

    /// <summary>The file's record is committed: remember it, move it if asked, let rescans see it again.</summary>
    public void Finished(FileKey key, PictureFile file)
    {
        Remember(key);
        MoveIfAsked(file);
        Release(key);
    }

    /// <summary>Moves a finished file to <see cref="Folder"/> when the folder asks for it; a file that cannot be moved stays, said once per scan.</summary>
    public void MoveIfAsked(PictureFile file)
    {
        if (folder.AfterProcessing != AfterProcessing.Move)
        {
            return;
        }

        // The name comes from the camera's card: it must not lead out of processed/.
        var target = Path.GetFullPath(Path.Combine(ProcessedPath, file.Name));
        if (!target.StartsWith(ProcessedPath + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            return;
        }

        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Move(file.FullPath, target, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problem($"cannot move {file.Name} to {Folder}/: {e.Message}");
        }
    }

    private void Remember(FileKey key)
    {
        // Moved files leave the scan, so they need no place here.
        if (folder.AfterProcessing == AfterProcessing.Move)
        {
            return;
        }

        lock (_done)
        {
            _done.Add(key);
        }
    }
}
