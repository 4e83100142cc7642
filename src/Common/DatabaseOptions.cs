namespace EdgeAgent.Common;

using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Configuration section <c>Database</c>: the agent's one SQLite file. The ledger of camera-trap
/// pictures done, the records of what was seen, and the outbox of alerts live in it together, so that
/// a picture's records and its alerts are committed in one transaction.
/// </summary>
public sealed class DatabaseOptions : IOptionsSection
{
    /// <summary>The section's name.</summary>
    public static string SectionName => "Database";

    /// <summary>The SQLite file. Default: <c>edge-agent.db</c> in systemd's state directory, else in the working folder.</summary>
    public string Path { get; set; } = System.IO.Path.Combine(Environment.GetEnvironmentVariable("STATE_DIRECTORY") ?? ".", "edge-agent.db");

    /// <summary>How long a write waits for another's lock before it fails and is retried by its stage.</summary>
    public TimeSpan LockTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <inheritdoc />
    public IEnumerable<string> Problems()
    {
        if (string.IsNullOrWhiteSpace(Path))
        {
            yield return "Database:Path: must name a file";
        }

        if (LockTimeout < TimeSpan.FromSeconds(1))
        {
            yield return $"Database:LockTimeout: {LockTimeout} must be at least a second";
        }
    }
}

/// <summary>Registration of the state database's options.</summary>
public static class DatabaseRegistration
{
    /// <summary>Registers the <c>Database</c> section (once, whoever asks first).</summary>
    public static IServiceCollection AddStateDatabase(this IServiceCollection services, IConfiguration configuration)
    {
        if (!services.Any(d => d.ServiceType == typeof(SelfValidator<DatabaseOptions>)))
        {
            services.AddValidatedOptions<DatabaseOptions>(configuration);
        }

        return services;
    }
}
