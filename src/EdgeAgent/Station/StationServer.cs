namespace EdgeAgent.Station;

using EdgeAgent.Hosting;
using EdgeAgent.Maps;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using EdgeAgent.Recording;
using LogLevel = Microsoft.Extensions.Logging.LogLevel;

/// <summary>
/// Serves the station page on its own Kestrel listener (127.0.0.1:9465 by default). Beyond loopback
/// it asks for the password (a cookie session that lapses after <see cref="StationOptions.SessionLifetime"/>
/// unused; five tries a minute per address); every POST carries an anti-forgery token, every answer
/// strict security headers. A listener that cannot start stops the agent, as the metrics one does.
/// </summary>
public sealed partial class StationServer(
    IOptions<StationOptions> options, StationData data, AgentHealth health, IHostApplicationLifetime lifetime, ILogger<StationServer> logger) : BackgroundService
{
    private readonly Dictionary<string, (long Version, DateTimeOffset At, string Html)> _drawn = new(StringComparer.Ordinal);

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var station = options.Value;
        if (!station.Enabled)
        {
            return;
        }

        // Building the web host takes a moment: not on the thread that starts the other stages.
        await Task.Yield();
        await using var app = Build(station);
        await WebListener.ServeAsync(
            app, "Station:Listen", station.Listen, health, lifetime, logger,
            () => LogListening(station.Listen, station.LoginRequired ? "with a login" : "on this machine only, no login"),
            stoppingToken).ConfigureAwait(false);
    }

    private WebApplication Build(StationOptions station)
    {
        var app = StationWeb.Build(station, logger);
        MapEndpoints(app);
        return app;
    }

    private void MapEndpoints(WebApplication app)
    {
        var antiforgery = app.Services.GetRequiredService<IAntiforgery>();
        string Token(HttpContext context) => StationWeb.Token(antiforgery, context);

        StationWeb.MapPage(app, options.Value.LoginRequired, "edge-agent", Sections, (section, context) => Fragment(section, context, Token));
        app.MapGet("/records", (string? label) => label is { Length: > 0 } ? StationWeb.Html(StationPage.Records(label, data.RecordsOf(label))) : Results.BadRequest());
        app.MapGet("/sources/{id}/thumbnail", (string id) => data.Thumbnail(id) is { } jpeg ? Results.File(jpeg, "image/jpeg") : Results.NotFound());
        app.MapGet("/alerts/{id}/picture", (string id, HttpContext context) =>
        {
            if (data.Picture(id) is not { } jpeg)
            {
                return Results.NotFound();
            }

            // An alert's picture never changes: the browser may keep it; over a slow link it comes reduced.
            context.Response.Headers.CacheControl = "private, max-age=86400";
            return Results.File(Thumbnails.Shrink(jpeg, 640, 75), "image/jpeg");
        });
        app.MapPost("/alerts/{id}/{channel}/retry", async (string id, string channel, HttpContext context) =>
        {
            if (!await StationWeb.IsValidAsync(antiforgery, context).ConfigureAwait(false))
            {
                return Results.BadRequest("the form has expired: reload the page");
            }

            var retried = await data.RetryAsync(id, channel).ConfigureAwait(false);
            LogRetry(id, channel, retried ? "queued again" : "was not failed");
            return Results.Redirect("/#alerts", permanent: false);
        });
        app.MapPost("/alerts/{id}/verdict", async (string id, HttpContext context) =>
        {
            if (!await StationWeb.IsValidAsync(antiforgery, context).ConfigureAwait(false))
            {
                return Results.BadRequest("the form has expired: reload the page");
            }

            var form = await context.Request.ReadFormAsync().ConfigureAwait(false);
            if (!bool.TryParse(form["threat"], out var threat))
            {
                return Results.BadRequest("threat must be true or false");
            }

            var by = Who(context);
            var given = data.GiveVerdict(id, threat, by);
            LogVerdict(id, threat ? "a threat" : "not a threat", by, given ? "recorded" : "no such alert");
            return given ? Results.Redirect("/#alerts", permanent: false) : Results.NotFound();
        });
        app.MapPost("/verdicts/{id:long}/undo", async (long id, HttpContext context) =>
        {
            if (!await StationWeb.IsValidAsync(antiforgery, context).ConfigureAwait(false))
            {
                return Results.BadRequest("the form has expired: reload the page");
            }

            var by = Who(context);
            LogVerdictUndone(id, by, data.UndoVerdict(id, by) ? "undone" : "was not in force");
            return Results.Redirect("/#alerts", permanent: false);
        });
    }

    /// <summary>The sections the page polls, in page order, with their titles.</summary>
    private static readonly (string Id, string Title)[] Sections = [("sources", "Sources"), ("alerts", "Alerts"), ("map", "Map"), ("counts", "Counts, last 30 days")];

    private string Fragment(string section, HttpContext context, Func<HttpContext, string> token)
    {
        var now = data.Time.GetUtcNow();
        return section switch
        {
            "sources" => StationPage.Sources(data.Sources(), now) + StationPage.Shipping(data.Shipping(), now),
            "alerts" => StationPage.Alerts(data.Alerts(), token(context)),
            "map" => Cached(section, now, () => SiteMap.Draw(data.Map())),
            _ => Cached(section, now, () => StationPage.Counts(data.Counts(), now.UtcDateTime.Date.AddDays(1 - StationData.CountDays))),
        };
    }

    /// <summary>
    /// The map and the counts read thousands of records: drawn again only when records were committed
    /// since (and then at most every 10 s, while a stream records all the time) or after a minute
    /// (the period they show moves on), so a page left open costs next to nothing.
    /// </summary>
    private string Cached(string section, DateTimeOffset now, Func<string> draw)
    {
        var version = data.RecordsVersion;
        lock (_drawn)
        {
            if (_drawn.TryGetValue(section, out var drawn) && (now - drawn.At < TimeSpan.FromSeconds(10) || (drawn.Version == version && now - drawn.At < TimeSpan.FromMinutes(1))))
            {
                return drawn.Html;
            }
        }

        var html = draw();
        lock (_drawn)
        {
            _drawn[section] = (version, now, html);
        }

        return html;
    }

    /// <summary>Who gave a verdict, as far as the page knows: one password is shared, so the address it came from.</summary>
    private static string Who(HttpContext context) => $"station page, {context.Connection.RemoteIpAddress?.ToString() ?? "unknown address"}";

    [LoggerMessage(Level = LogLevel.Information, Message = "Station page on http://{Listen}/ ({Access})")]
    private partial void LogListening(string listen, string access);

    [LoggerMessage(Level = LogLevel.Information, Message = "Station page: alert {Id} on {Channel} {Outcome}")]
    private partial void LogRetry(string id, string channel, string outcome);

    [LoggerMessage(Level = LogLevel.Information, Message = "Station page: alert {Id} marked {Verdict} by {By}: {Outcome}")]
    private partial void LogVerdict(string id, string verdict, string by, string outcome);

    [LoggerMessage(Level = LogLevel.Information, Message = "Station page: verdict {Id} undo by {By}: {Outcome}")]
    private partial void LogVerdictUndone(long id, string by, string outcome);
}
