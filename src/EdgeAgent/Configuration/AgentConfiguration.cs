namespace EdgeAgent.Configuration;

using EdgeAgent.Common;
using Microsoft.Extensions.Configuration;

/// <summary>
/// The agent's configuration: a JSON file, then environment variables (<c>Section__Key</c>), then
/// systemd credentials (files named <c>Section__Key</c> in <c>$CREDENTIALS_DIRECTORY</c>). Secrets
/// come only from the last two.
/// </summary>
public static class AgentConfiguration
{
    /// <summary>Keys that hold file paths; relative ones are taken relative to the configuration file, not to wherever the service was started.</summary>
    private static readonly System.Text.RegularExpressions.Regex PathKeys = new(
        @"^(Geofencing:ZonesFile|Database:Path|Email:TrustedCertificate|Detector:Model|Recording:SnapshotFolder|Sources:DropFolders:\d+:Path)$",
        System.Text.RegularExpressions.RegexOptions.IgnoreCase);

    /// <summary>Keys of earlier versions whose values now live elsewhere.</summary>
    private static readonly string[] MovedToDatabasePath = ["Outbox:Path", "Recording:DatabasePath"];

    private static readonly string[] SecretKeys = ["Email:Password", "Mqtt:Password", "Detector:Triton:AuthToken"];

    /// <summary>Loads and layers the configuration; a missing or malformed file is a <see cref="ConfigurationException"/>.</summary>
    public static IConfigurationRoot Load(string path)
    {
        var fullPath = Path.GetFullPath(path);
        if (!File.Exists(fullPath))
        {
            throw new ConfigurationException($"configuration file {path} does not exist");
        }

        IConfigurationRoot fileOnly;
        try
        {
            fileOnly = new ConfigurationBuilder().AddJsonFile(fullPath, optional: false, reloadOnChange: false).Build();
        }
        catch (InvalidDataException e)
        {
            throw new ConfigurationException($"configuration file {path}: {e.Message} {e.InnerException?.Message}".Trim(), e);
        }

        foreach (var key in MovedToDatabasePath.Where(k => fileOnly[k] is not null))
        {
            throw new ConfigurationException(
                $"configuration file {path}: {key} has moved to Database:Path: one database holds the ledger of pictures, the records and the outbox, so that they are committed together");
        }

        foreach (var key in SecretKeys.Where(k => !string.IsNullOrEmpty(fileOnly[k])))
        {
            throw new ConfigurationException(
                $"configuration file {path}: {key} must not be written in a file; set the environment variable {key.Replace(":", "__", StringComparison.Ordinal)} or a systemd credential of that name");
        }

        var builder = new ConfigurationBuilder()
            .AddConfiguration(fileOnly)
            .AddEnvironmentVariables();
        if (Environment.GetEnvironmentVariable("CREDENTIALS_DIRECTORY") is { Length: > 0 } credentials && Directory.Exists(credentials))
        {
            builder.AddKeyPerFile(credentials, optional: true);
        }

        var layered = builder.Build();
        var folder = Path.GetDirectoryName(fullPath)!;
        var resolved = layered.AsEnumerable()
            .Where(e => PathKeys.IsMatch(e.Key) && !string.IsNullOrEmpty(e.Value) && !Path.IsPathRooted(e.Value))
            .ToDictionary(e => e.Key, e => (string?)Path.GetFullPath(Path.Combine(folder, e.Value!)));
        return new ConfigurationBuilder().AddConfiguration(layered).AddInMemoryCollection(resolved).Build();
    }
}
