namespace EdgeAgent.Sources;

/// <summary>A camera-trap file as the ledger knows it: the same path with another size or time is another picture.</summary>
/// <param name="SourceId">The drop folder's camera.</param>
/// <param name="Path">The file's path inside its drop folder.</param>
/// <param name="Size">Its size in bytes.</param>
/// <param name="ModifiedTicks">Its last write time (UTC ticks).</param>
public readonly record struct FileKey(string SourceId, string Path, long Size, long ModifiedTicks)
{
    /// <summary>The picture as the subject of an alert: what makes its alert ids.</summary>
    public string Subject => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"file:{Path}:{Size}:{ModifiedTicks}");

    /// <summary>The file's path in a <see cref="Subject"/>; empty for a subject that is not a file's (a video track's).</summary>
    public static string PathIn(string? subject)
    {
        if (subject is null || !subject.StartsWith("file:", StringComparison.Ordinal))
        {
            return "";
        }

        var withoutTicks = subject[..subject.LastIndexOf(':')];
        return withoutTicks[5..withoutTicks.LastIndexOf(':')];
    }
}

/// <summary>The ledger of camera-trap files done: a file is done once its record is committed, and never taken again.</summary>
public interface IPictureLedger
{
    /// <summary>Whether the file's record was committed.</summary>
    bool IsDone(FileKey file);
}

/// <summary>
/// The ledger of recorded video files read to their end (a stream's file: the source, the file's
/// path, size and time): such a file is not read again, after a restart either.
/// </summary>
public interface IRecordingLedger
{
    /// <summary>When the file was read to its end, its last frame committed; null when it was not.</summary>
    DateTimeOffset? ReadAt(FileKey file);

    /// <summary>Notes that the file was read to its end and its last frame committed; throws <see cref="IOException"/> when that cannot be written.</summary>
    void Read(FileKey file, DateTimeOffset at);

    /// <summary>How far the file was read before, by its last committed frame; null when none was.</summary>
    RecordingPlace? ReadTo(FileKey file);
}

/// <summary>
/// Where a frame stands in a recorded file: the file, the frame's time into the video, and when the
/// video began (what the frame is dated from). Committed with the frame's records, it is where a
/// read stopped halfway (a crash, a stop) goes on from.
/// </summary>
/// <param name="File">The recorded file.</param>
/// <param name="VideoTime">The frame's time into the video.</param>
/// <param name="Began">When the video began: frames are dated from it.</param>
public readonly record struct RecordingPlace(FileKey File, TimeSpan VideoTime, DateTimeOffset Began);
