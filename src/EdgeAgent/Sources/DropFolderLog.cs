namespace EdgeAgent.Sources;

using LogLevel = Microsoft.Extensions.Logging.LogLevel;

/// <summary>What the drop folders say, each line naming its folder; the gravest first.</summary>
internal static partial class DropFolderLog
{
    [LoggerMessage(Level = LogLevel.Error, Message = "Drop folder {Source} ({Folder}) cannot be scanned: {Reason}; trying again every rescan interval")]
    internal static partial void ScanError(ILogger logger, string source, string folder, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Drop folder {Source}: {File} is not a usable picture: {Reason}")]
    internal static partial void Failed(ILogger logger, string source, string file, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Drop folder {Source}: {File}: no pose: {Reason}")]
    internal static partial void NoPose(ILogger logger, string source, string file, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Drop folder {Source}: {File}: {Issue} (said once per camera; each such picture is flagged in the records)")]
    internal static partial void Clock(ILogger logger, string source, string file, string issue);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Drop folder {Source}: {Problem}")]
    internal static partial void Problem(ILogger logger, string source, string problem);

    [LoggerMessage(Level = LogLevel.Information, Message = "Drop folder {Source}: watching {Folder}")]
    internal static partial void Watching(ILogger logger, string source, string folder);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Drop folder {Source}: {File} not complete yet ({Reason})")]
    internal static partial void NotYet(ILogger logger, string source, string file, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Drop folder {Source}: decoding {File}")]
    internal static partial void Decoding(ILogger logger, string source, string file);
}
