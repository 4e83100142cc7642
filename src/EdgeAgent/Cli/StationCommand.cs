namespace EdgeAgent.Cli;

using System.CommandLine;
using EdgeAgent.Station;
using EdgeAgent.Sync;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Npgsql;

/// <summary>
/// <c>edge-agent station --database postgresql://… [--listen ADDRESS:PORT]</c>: the programme's
/// station page at headquarters, read from the central database: every agent with its last contact
/// and backlog, the latest alerts of all sites, the map of all sites and counts per site. Loopback by
/// default; beyond it, a login with the password in <c>Station__Password</c>.
/// </summary>
internal static class StationCommand
{
    /// <summary>An agent silent for longer than this is marked on the page (agents idle still call every 5 minutes).</summary>
    private static readonly TimeSpan SilentAfter = TimeSpan.FromMinutes(30);

    private static readonly (string Id, string Title)[] Sections = [("agents", "Agents"), ("alerts", "Alerts, all sites"), ("map", "Map, all sites, last 7 days"), ("counts", "Counts per site, all records")];

    public static Command Create()
    {
        var database = new Option<string>("--database")
        {
            Description = "The central database: postgresql://user@host:port/database?sslmode=verify-full&sslrootcert=FILE (password from PGPASSWORD)",
            Required = true,
        };
        var listen = new Option<string>("--listen") { Description = "Address and port of the page", DefaultValueFactory = _ => "127.0.0.1:9466" };
        var command = new Command("station", "Serve the programme's station page from the central database (every agent, its alerts, map and counts)") { database, listen };
        command.SetAction((parse, cancellationToken) => EdgeAgentCommandLine.RunAsync(async services =>
        {
            var station = new StationOptions { Listen = parse.GetValue(listen)!, Password = Environment.GetEnvironmentVariable("Station__Password") ?? "" };
            var problems = station.Problems().Select(p => p.Replace("Station:Listen", "--listen", StringComparison.Ordinal)).ToList();
            if (problems.Count > 0)
            {
                throw new ConfigurationException(string.Join(Environment.NewLine, problems));
            }

            var address = parse.GetValue(database)!;
            await using var central = NpgsqlDataSource.Create(ProgrammeRecords.ConnectionString(address));
            var data = new ProgrammeData(central, TimeProvider.System);
            var drawn = new Dictionary<string, (DateTimeOffset At, string Html)>(StringComparer.Ordinal);
            try
            {
                data.Agents();
            }
            catch (NpgsqlException e)
            {
                throw new IOException($"the central database {CentralDatabase.Redacted(address)}: {e.Message}", e);
            }

            var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("EdgeAgent.Station.Programme");
            await using var app = StationWeb.Build(station, logger);
            StationWeb.MapPage(app, station.LoginRequired, "edge-agent programme", Sections, (section, _) => Fragment(data, section, drawn));
            app.MapGet("/alerts/{agent}/{id}/picture", (string agent, string id) =>
                data.Picture(agent, id) is { } jpeg ? Results.File(jpeg, "image/jpeg") : Results.NotFound());
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
            logger.LogInformation("Programme station page on http://{Listen}/ ({Access})", station.Listen, station.LoginRequired ? "with a login" : "on this machine only, no login");
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Ctrl-C or SIGTERM: stop serving, exit 0.
            }

            await app.StopAsync(CancellationToken.None).ConfigureAwait(false);
            return 0;
        }));
        return command;
    }

    private static string Fragment(ProgrammeData data, string section, Dictionary<string, (DateTimeOffset At, string Html)> drawn)
    {
        var now = data.Time.GetUtcNow();
        try
        {
            return section switch
            {
                "agents" => ProgrammePage.Agents(data.Agents(), now, SilentAfter),
                "alerts" => ProgrammePage.Alerts(data.Alerts(50)),
                "map" => Cached(drawn, section, now, () => Maps.SiteMap.Draw(data.Map(StationData.MapPeriod, StationData.MapRecords))),
                _ => Cached(drawn, section, now, () => ProgrammePage.Counts(data.Counts())),
            };
        }
        catch (NpgsqlException e)
        {
            // The database went away: the page says so and its next poll tries again.
            return $"<p class=\"error\">The central database does not answer: {StationPage.H(e.Message)}</p>";
        }
    }

    /// <summary>The map and the counts read the whole programme's records: drawn at most once a minute, however many pages poll.</summary>
    private static string Cached(Dictionary<string, (DateTimeOffset At, string Html)> drawn, string section, DateTimeOffset now, Func<string> draw)
    {
        lock (drawn)
        {
            if (drawn.TryGetValue(section, out var last) && now - last.At < TimeSpan.FromMinutes(1))
            {
                return last.Html;
            }

            var html = draw();
            drawn[section] = (now, html);
            return html;
        }
    }
}
