namespace EdgeAgent.Cli;

using System.CommandLine;
using System.Globalization;
using EdgeAgent.Configuration;
using EdgeAgent.Recording;
using EdgeAgent.Sync;
using Npgsql;

/// <summary>
/// <c>edge-agent sync --init --database postgresql://…</c> creates or completes the central schema;
/// <c>edge-agent sync --config FILE --left-behind</c> lists the alert pictures still waiting for the
/// picture budget (or the link), and how many records wait.
/// </summary>
internal static class SyncCommand
{
    public static Command Create()
    {
        var init = new Option<bool>("--init") { Description = "Create or complete the central PostgreSQL/PostGIS schema and its roles" };
        var database = new Option<string?>("--database")
        {
            Description = "The central database: postgresql://user@host:port/database?sslmode=verify-full&sslrootcert=FILE (password from PGPASSWORD), or Npgsql keywords",
        };
        var allowUnencrypted = new Option<bool>("--allow-unencrypted") { Description = "Permit a connection without TLS" };
        var config = new Option<FileInfo?>("--config") { Description = "The agent's configuration (its database, and Sync: for the central database)" };
        var leftBehind = new Option<bool>("--left-behind") { Description = "List what waits to travel: the records' count and each alert picture" };
        var command = new Command("sync", "Set up the central database (--init), or list what an agent has not shipped yet (--left-behind)")
        {
            init, database, allowUnencrypted, config, leftBehind,
        };
        command.SetAction((parse, cancellationToken) => EdgeAgentCommandLine.GuardAsync(async () =>
        {
            if (parse.GetValue(init) == parse.GetValue(leftBehind))
            {
                throw new ConfigurationException("say what to do: --init (with --database or --config) or --left-behind (with --config)");
            }

            var configuration = parse.GetValue(config) is { } file ? AgentConfiguration.Load(file.FullName) : null;
            if (parse.GetValue(leftBehind))
            {
                return LeftBehind(configuration ?? throw new ConfigurationException("--left-behind needs --config FILE"));
            }

            var sync = configuration?.Section<SyncOptions>();
            var target = parse.GetValue(database) ?? sync?.Database ?? throw new ConfigurationException("--init needs --database or --config FILE with Sync:Database");
            string connection;
            try
            {
                connection = CentralDatabase.ConnectionString(target, sync?.Password, parse.GetValue(allowUnencrypted) || sync?.AllowUnencrypted == true);
            }
            catch (ConfigurationException e)
            {
                throw new ConfigurationException($"--database: {e.Message}", e);
            }

            await using var source = NpgsqlDataSource.Create(connection);
            int before;
            try
            {
                before = await CentralSchema.ApplyAsync(source, cancellationToken).ConfigureAwait(false);
            }
            catch (NpgsqlException e)
            {
                Console.Error.WriteLine($"edge-agent: the central database {CentralDatabase.Redacted(target)} refused the schema: {e.Message}");
                return 1;
            }

            Console.WriteLine(before == CentralSchema.Version
                ? $"central schema: version {CentralSchema.Version}, already up to date"
                : $"central schema: version {CentralSchema.Version} (was {(before == 0 ? "empty" : before.ToString(CultureInfo.InvariantCulture))}); grant edge_agent_writer to each agent's login, edge_analyst to readers");
            return 0;
        }));
        return command;
    }

    private static int LeftBehind(Microsoft.Extensions.Configuration.IConfiguration configuration)
    {
        var database = configuration.ExistingDatabase();

        using var queue = new SyncQueue(database.Path, database.LockTimeout);
        var (records, oldest, _) = queue.Backlog();
        Console.Error.WriteLine($"edge-agent: {records} records wait{(oldest is { } at ? $", the oldest since {RecordSchema.Text(at)}" : "")}");
        Console.WriteLine("alert_id,queued_at");
        foreach (var picture in queue.WaitingPictures())
        {
            Console.WriteLine($"{picture.AlertId},{RecordSchema.Text(picture.QueuedAt)}");
        }

        return 0;
    }
}
