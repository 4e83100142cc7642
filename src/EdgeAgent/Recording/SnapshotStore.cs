namespace EdgeAgent.Recording;

/// <summary>
/// Keeps the annotated picture of each alert, by day, and deletes the oldest by age and by disk
/// budget, so months in the field never fill the card.
/// </summary>
public sealed partial class SnapshotStore(IOptions<RecordingOptions> options, TimeProvider time, ILogger<SnapshotStore> logger) : BackgroundService
{
    private readonly string _root = Path.GetFullPath(options.Value.SnapshotFolder);

    /// <summary>The file name (without .jpg) of a track's best-frame snapshot: only letters, digits, '-' and '_', whatever the source is called.</summary>
    public static string TrackName(string sourceId, string trackId) =>
        "track-" + string.Concat($"{sourceId}-{trackId}".Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_'));

    /// <summary>Saves a snapshot named <paramref name="name"/> (an alert id, or a <see cref="TrackName"/>); returns its path, or null when it could not be written.</summary>
    public string? Save(string name, DateTimeOffset capturedAt, byte[] jpeg)
    {
        var path = Path.Combine(_root, capturedAt.UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), $"{name}.jpg");
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllBytes(path, jpeg);
            return path;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            LogWriteFailed(path, e.Message);
            return null;
        }
    }

    /// <summary>Deletes snapshots past the age limit, then the oldest until the folder fits its budget; returns how many.</summary>
    public int Prune()
    {
        if (!Directory.Exists(_root))
        {
            return 0;
        }

        var files = new DirectoryInfo(_root).EnumerateFiles("*.jpg", SearchOption.AllDirectories).OrderBy(f => f.LastWriteTimeUtc).ToList();
        var budget = options.Value.SnapshotMaxMegabytes * 1024 * 1024;
        var total = files.Sum(f => f.Length);
        var cutoff = time.GetUtcNow() - options.Value.SnapshotMaxAge;
        var deleted = 0;
        foreach (var file in files)
        {
            if (file.LastWriteTimeUtc >= cutoff.UtcDateTime && total <= budget)
            {
                break;
            }

            try
            {
                total -= file.Length;
                file.Delete();
                deleted++;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                LogWriteFailed(file.FullName, e.Message);
            }
        }

        return deleted;
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var deleted = Prune();
            if (deleted > 0)
            {
                LogPruned(deleted);
            }

            await Task.Delay(TimeSpan.FromHours(1), time, stoppingToken).ConfigureAwait(false);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Snapshot {Path}: {Error}")]
    private partial void LogWriteFailed(string path, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted {Count} old snapshots")]
    private partial void LogPruned(int count);
}
