namespace EdgeAgent.Sync;


/// <summary>What travels with the records to the central database.</summary>
public enum PictureShipping
{
    /// <summary>Records only.</summary>
    None,

    /// <summary>Alert pictures shrunk to <see cref="SyncOptions.ThumbnailWidth"/> pixels wide.</summary>
    Thumbnails,

    /// <summary>Alert pictures as the alert carried them.</summary>
    Full,
}

/// <summary>
/// Configuration section <c>Sync</c>: shipping the records to a central PostgreSQL/PostGIS database
/// (off by default). The connection is TLS unless <see cref="AllowUnencrypted"/> says otherwise; the
/// password comes from the environment (<c>Sync__Password</c>) or a systemd credential.
/// </summary>
public sealed class SyncOptions : IOptionsSection
{
    /// <summary>The section's name.</summary>
    public static string SectionName => "Sync";

    /// <summary>Ship the records.</summary>
    public bool Enabled { get; set; }

    /// <summary>The central database as Npgsql connection keywords (<c>Host=…;Database=…;Username=…;SSL Mode=VerifyFull</c>) or a <c>postgresql://</c> address.</summary>
    public string Database { get; set; } = "";

    /// <summary>The database user's password: from the environment or a systemd credential, never the file.</summary>
    public string Password { get; set; } = "";

    /// <summary>This agent's name in the central database: one row per agent, and the first part of every record's key there.</summary>
    public string Agent { get; set; } = Environment.MachineName.ToLowerInvariant();

    /// <summary>The site the agent watches (a reserve, a ranger post), for people reading the central records.</summary>
    public string Site { get; set; } = "";

    /// <summary>Records are shipped at most this often: each shipment is one round trip, so fewer and bigger ones cost less on a metered link.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Records per shipment (one transaction on the server).</summary>
    public int BatchSize { get; set; } = 500;

    /// <summary>Alert pictures that travel: none, thumbnails or full.</summary>
    public PictureShipping Pictures { get; set; } = PictureShipping.Thumbnails;

    /// <summary>A thumbnail's width in pixels.</summary>
    public int ThumbnailWidth { get; set; } = 320;

    /// <summary>Picture bytes shipped per UTC day at most; what does not fit waits for the next day (<c>edge-agent sync --left-behind</c> lists it).</summary>
    public double DailyPictureMegabytes { get; set; } = 5;

    /// <summary>The agent says it is behind (log, <c>/healthz</c>) when more records than this wait.</summary>
    public int BacklogLimit { get; set; } = 50_000;

    /// <summary>… or when the oldest waiting record is older than this.</summary>
    public TimeSpan BacklogMaxAge { get; set; } = TimeSpan.FromDays(2);

    /// <summary>First wait after a failed shipment; it doubles up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan InitialRetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Longest wait between tries while the link or the server is down.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Permits a connection without TLS (a database on this machine or inside a VPN).</summary>
    public bool AllowUnencrypted { get; set; }

    /// <summary>The picture budget in bytes.</summary>
    public long DailyPictureBytes => (long)(DailyPictureMegabytes * 1024 * 1024);

    /// <inheritdoc />
    public IEnumerable<string> Problems()
    {
        if (!Enabled)
        {
            yield break;
        }

        string? problem = null;
        try
        {
            CentralDatabase.ConnectionString(Database, Password, AllowUnencrypted);
        }
        catch (ConfigurationException e)
        {
            problem = $"Sync:Database: {e.Message}";
        }

        if (problem is not null)
        {
            yield return problem;
        }

        if (Agent.Length is 0 or > 64 || Agent.Any(c => char.IsControl(c) || c == '/'))
        {
            yield return $"Sync:Agent: '{Agent}' must be 1 to 64 characters, without '/' or control characters";
        }

        if (Interval < TimeSpan.Zero || Interval > TimeSpan.FromDays(1))
        {
            yield return $"Sync:Interval: {Interval} must lie between 0 and one day";
        }

        if (BatchSize is < 1 or > 100_000)
        {
            yield return $"Sync:BatchSize: {BatchSize} must lie between 1 and 100000";
        }

        if (ThumbnailWidth is < 32 or > 4096)
        {
            yield return $"Sync:ThumbnailWidth: {ThumbnailWidth} must lie between 32 and 4096 pixels";
        }

        if (DailyPictureMegabytes < 0)
        {
            yield return $"Sync:DailyPictureMegabytes: {DailyPictureMegabytes} cannot be negative";
        }

        if (BacklogLimit < 1 || BacklogMaxAge <= TimeSpan.Zero)
        {
            yield return "Sync:BacklogLimit and Sync:BacklogMaxAge: must be positive";
        }

        if (InitialRetryDelay <= TimeSpan.Zero || MaxRetryDelay < InitialRetryDelay)
        {
            yield return $"Sync:InitialRetryDelay ({InitialRetryDelay}) must be positive and at most Sync:MaxRetryDelay ({MaxRetryDelay})";
        }
    }
}
