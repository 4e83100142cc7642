namespace EdgeAgent.Configuration;


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

    private static readonly System.Text.RegularExpressions.Regex StreamSecrets = new(
        @"^Sources:Streams:\d+:Telemetry:SigningKey$", System.Text.RegularExpressions.RegexOptions.IgnoreCase | System.Text.RegularExpressions.RegexOptions.CultureInvariant);

    private static readonly string[] SecretKeys = ["Email:Password", "Mqtt:Password", "Detector:Triton:AuthToken", "Station:Password", "Metrics:Password", "Sync:Password"];

    /// <summary>The sections a configuration file may have: a misspelt one would otherwise be ignored, and its settings with it.</summary>
    public static readonly IReadOnlyList<string> Sections =
        ["Alerting", "Database", "Detector", "Email", "Geofencing", "Logging", "Metrics", "Mqtt", "Outbox", "Recording", "Sources", "Station", "Sync", "Tracking", "Verdicts"];

    /// <summary>Loads and layers the configuration; a missing or malformed file is a <see cref="ConfigurationException"/>.</summary>
    public static IConfigurationRoot Load(string path)
    {
        var fullPath = Path.GetFullPath(path);
        if (!File.Exists(fullPath))
        {
            throw new ConfigurationException($"configuration file {path} does not exist");
        }

        CheckJsonSyntax(path, fullPath);
        IConfigurationRoot fileOnly;
        try
        {
            fileOnly = new ConfigurationBuilder().AddJsonFile(fullPath, optional: false, reloadOnChange: false).Build();
        }
        catch (InvalidDataException e)
        {
            throw new ConfigurationException($"configuration file {path}: {e.Message} {e.InnerException?.Message}".Trim(), e);
        }

        var unknown = fileOnly.GetChildren().Select(c => c.Key).Where(k => !Sections.Contains(k, StringComparer.OrdinalIgnoreCase)).ToList();
        if (unknown.Count > 0)
        {
            throw new ConfigurationException(string.Join(
                Environment.NewLine,
                unknown.Select(k => $"configuration file {path}: unknown section '{k}'{(Closest(k) is { } near ? $" (did you mean '{near}'?)" : "")}; sections are {string.Join(", ", Sections)}")));
        }

        foreach (var key in MovedToDatabasePath.Where(k => fileOnly[k] is not null))
        {
            throw new ConfigurationException(
                $"configuration file {path}: {key} has moved to Database:Path: one database holds the ledger of pictures, the records and the outbox, so that they are committed together");
        }

        // Per-stream secrets sit under an index: Sources:Streams:0:Telemetry:SigningKey.
        var streamSecrets = fileOnly.AsEnumerable().Where(e => !string.IsNullOrEmpty(e.Value) && StreamSecrets.IsMatch(e.Key)).Select(e => e.Key);
        foreach (var key in SecretKeys.Where(k => !string.IsNullOrEmpty(fileOnly[k])).Concat(streamSecrets))
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

    /// <summary>A JSON mistake named by its line and position (the configuration provider says only "Could not parse the JSON file").</summary>
    private static void CheckJsonSyntax(string path, string fullPath)
    {
        try
        {
            using var stream = File.OpenRead(fullPath);
            using var document = System.Text.Json.JsonDocument.Parse(stream, new System.Text.Json.JsonDocumentOptions
            {
                CommentHandling = System.Text.Json.JsonCommentHandling.Skip,
                AllowTrailingCommas = true,
            });
        }
        catch (System.Text.Json.JsonException e)
        {
            var reason = e.Message.Split(" LineNumber:", 2)[0].Split(" Path:", 2)[0].TrimEnd('.', ' ');
            throw new ConfigurationException($"configuration file {path}: line {(e.LineNumber ?? 0) + 1}, position {(e.BytePositionInLine ?? 0) + 1}: {reason}", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigurationException($"configuration file {path} cannot be read: {e.Message}", e);
        }
    }

    /// <summary>The known section a misspelt one was probably meant to be: two edits or fewer apart.</summary>
    private static string? Closest(string name) =>
        Sections.Select(s => (Section: s, Distance: Edits(name.ToUpperInvariant(), s.ToUpperInvariant()))).Where(c => c.Distance <= 2).OrderBy(c => c.Distance).Select(c => c.Section).FirstOrDefault();

    private static int Edits(string a, string b)
    {
        var row = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var diagonal = row[0];
            row[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var above = row[j];
                row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), diagonal + (a[i - 1] == b[j - 1] ? 0 : 1));
                diagonal = above;
            }
        }

        return row[b.Length];
    }

    /// <summary>The <c>Database</c> section of a verb that reads what the agent recorded: the file must already be there.</summary>
    public static DatabaseOptions ExistingDatabase(this IConfiguration configuration)
    {
        var database = configuration.Section<DatabaseOptions>();
        return File.Exists(database.Path) ? database : throw new ConfigurationException($"Database:Path {Path.GetFullPath(database.Path)}: no database there yet");
    }

    /// <summary>A section bound to its options class and checked, for the verbs that read the file without the host.</summary>
    public static T Section<T>(this IConfiguration configuration)
        where T : class, IOptionsSection, new()
    {
        var section = T.SectionName;
        var options = new T();
        try
        {
            configuration.GetSection(section).Bind(options, o => o.ErrorOnUnknownConfiguration = true);
        }
        catch (InvalidOperationException e)
        {
            throw new ConfigurationException($"{section}: {e.Message}", e);
        }

        var problems = options.Problems().ToList();
        return problems.Count == 0 ? options : throw new ConfigurationException(string.Join(Environment.NewLine, problems));
    }
}
