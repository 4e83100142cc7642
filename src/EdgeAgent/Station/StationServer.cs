namespace EdgeAgent.Station;

using System.Net;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Threading.RateLimiting;
using EdgeAgent.Hosting;
using EdgeAgent.Maps;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenCvSharp;
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
            () => LogListening(logger, station.Listen, station.LoginRequired ? "with a login" : "on this machine only, no login"),
            stoppingToken).ConfigureAwait(false);
    }

    private WebApplication Build(StationOptions station)
    {
        var app = WebListener.Build(IPEndPoint.Parse(station.Listen), builder => AddServices(builder, station));
        app.Use(async (context, next) =>
        {
            var headers = context.Response.Headers;
            headers.ContentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            headers.CacheControl = "no-cache, private";
            await next(context).ConfigureAwait(false);
        });
        app.UseRateLimiter();
        app.UseAuthentication();
        if (station.LoginRequired)
        {
            app.Use(async (context, next) =>
            {
                var open = context.Request.Path == "/login" || context.Request.Path == "/station.css";
                if (!open && context.User.Identity?.IsAuthenticated != true)
                {
                    // The page's script reloads on a 401; a person is sent to the login.
                    if (context.Request.Path.StartsWithSegments("/fragments", StringComparison.Ordinal))
                    {
                        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                        return;
                    }

                    context.Response.Redirect("/login");
                    return;
                }

                await next(context).ConfigureAwait(false);
            });
        }

        MapEndpoints(app, station);
        return app;
    }

    private static void AddServices(WebApplicationBuilder builder, StationOptions station)
    {
        // Sessions end with the process: its keys are never written to disk.
        builder.Services.AddDataProtection().UseEphemeralDataProtectionProvider();
        builder.Services.AddAntiforgery(a => a.Cookie.Name = "edge-agent-antiforgery");
        builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie(c =>
        {
            c.Cookie.Name = "edge-agent-session";
            c.Cookie.HttpOnly = true;
            c.Cookie.SameSite = SameSiteMode.Strict;
            c.ExpireTimeSpan = station.SessionLifetime;
            c.SlidingExpiration = true;
            c.LoginPath = "/login";
            c.SessionStore = new StationSessions();
        });
        builder.Services.AddRateLimiter(r =>
        {
            r.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            r.OnRejected = (rejected, cancel) =>
            {
                var response = rejected.HttpContext.Response;
                response.Headers.RetryAfter = "60";
                response.ContentType = "text/plain; charset=utf-8";
                return new ValueTask(response.WriteAsync("Too many password tries from this address: wait a minute, then try again.\n", cancel));
            };
            r.AddPolicy("login", context => RateLimitPartition.GetFixedWindowLimiter(
                context.Connection.RemoteIpAddress?.ToString() ?? "",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = 5, Window = TimeSpan.FromMinutes(1) }));
        });
    }

    private void MapEndpoints(WebApplication app, StationOptions station)
    {
        var antiforgery = app.Services.GetRequiredService<IAntiforgery>();
        string Token(HttpContext context) => antiforgery.GetAndStoreTokens(context).RequestToken ?? "";

        app.MapGet("/station.css", () => Results.Text(StationPage.Css, "text/css; charset=utf-8"));
        app.MapGet("/station.js", () => Results.Text(StationPage.Script, "text/javascript; charset=utf-8"));
        app.MapGet("/", (HttpContext context) => Html(StationPage.Page(StationPage.Sections.ToDictionary(s => s, s => Fragment(s, context, Token)), station.LoginRequired, Token(context))));
        app.MapGet("/fragments/{section}", (string section, HttpContext context) =>
        {
            if (!StationPage.Sections.Contains(section, StringComparer.Ordinal))
            {
                return Results.NotFound();
            }

            // Unchanged since the last poll: 304, nothing over the link.
            var html = Fragment(section, context, Token);
            var tag = $"\"{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(html)).AsSpan(0, 12))}\"";
            context.Response.Headers.ETag = tag;
            return context.Request.Headers.IfNoneMatch == tag ? Results.StatusCode(StatusCodes.Status304NotModified) : Html(html);
        });
        app.MapGet("/records", (string? label) => label is { Length: > 0 } ? Html(StationPage.Records(label, data.RecordsOf(label))) : Results.BadRequest());
        app.MapGet("/sources/{id}/thumbnail", (string id) => data.Thumbnail(id) is { } jpeg ? Results.File(jpeg, "image/jpeg") : Results.NotFound());
        app.MapGet("/alerts/{id}/picture", (string id, HttpContext context) =>
        {
            if (data.Picture(id) is not { } jpeg)
            {
                return Results.NotFound();
            }

            // An alert's picture never changes: the browser may keep it; over a slow link it comes reduced.
            context.Response.Headers.CacheControl = "private, max-age=86400";
            return Results.File(Reduced(jpeg), "image/jpeg");
        });
        app.MapPost("/alerts/{id}/{channel}/retry", async (string id, string channel, HttpContext context) =>
        {
            if (!await IsValidAsync(antiforgery, context).ConfigureAwait(false))
            {
                return Results.BadRequest("the form has expired: reload the page");
            }

            var retried = await data.RetryAsync(id, channel).ConfigureAwait(false);
            LogRetry(logger, id, channel, retried ? "queued again" : "was not failed");
            return Results.Redirect("/#alerts", permanent: false);
        });
        app.MapPost("/alerts/{id}/verdict", async (string id, HttpContext context) =>
        {
            if (!await IsValidAsync(antiforgery, context).ConfigureAwait(false))
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
            LogVerdict(logger, id, threat ? "a threat" : "not a threat", by, given ? "recorded" : "no such alert");
            return given ? Results.Redirect("/#alerts", permanent: false) : Results.NotFound();
        });
        app.MapPost("/verdicts/{id:long}/undo", async (long id, HttpContext context) =>
        {
            if (!await IsValidAsync(antiforgery, context).ConfigureAwait(false))
            {
                return Results.BadRequest("the form has expired: reload the page");
            }

            var by = Who(context);
            LogVerdictUndone(logger, id, by, data.UndoVerdict(id, by) ? "undone" : "was not in force");
            return Results.Redirect("/#alerts", permanent: false);
        });
        app.MapGet("/login", (HttpContext context) => Html(StationPage.Login(null, Token(context))));
        app.MapPost("/login", async (HttpContext context) =>
        {
            if (!station.LoginRequired)
            {
                return Results.Redirect("/");
            }

            if (!await IsValidAsync(antiforgery, context).ConfigureAwait(false))
            {
                return Html(StationPage.Login("The form has expired: try again.", Token(context)), StatusCodes.Status400BadRequest);
            }

            var form = await context.Request.ReadFormAsync().ConfigureAwait(false);
            if (!PasswordMatches(form["password"].ToString(), station.Password))
            {
                LogWrongPassword(logger, context.Connection.RemoteIpAddress?.ToString() ?? "?");
                return Html(StationPage.Login("Wrong password.", Token(context)), StatusCodes.Status401Unauthorized);
            }

            var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, "station")], CookieAuthenticationDefaults.AuthenticationScheme);
            await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, new ClaimsPrincipal(identity)).ConfigureAwait(false);
            return Results.Redirect("/");
        }).RequireRateLimiting("login");
        app.MapPost("/logout", async (HttpContext context) =>
        {
            if (await IsValidAsync(antiforgery, context).ConfigureAwait(false))
            {
                await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme).ConfigureAwait(false);
            }

            return Results.Redirect("/login");
        });
    }

    private string Fragment(string section, HttpContext context, Func<HttpContext, string> token)
    {
        var now = data.Time.GetUtcNow();
        return section switch
        {
            "sources" => StationPage.Sources(data.Sources(), now),
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

    private static IResult Html(string html, int status = StatusCodes.Status200OK) =>
        Results.Content(html, "text/html; charset=utf-8", Encoding.UTF8, status);

    private static async Task<bool> IsValidAsync(IAntiforgery antiforgery, HttpContext context)
    {
        try
        {
            await antiforgery.ValidateRequestAsync(context).ConfigureAwait(false);
            return true;
        }
        catch (AntiforgeryValidationException)
        {
            return false;
        }
    }

    /// <summary>Compares in constant time, over hashes so that the length does not show either.</summary>
    private static bool PasswordMatches(string given, string expected) =>
        expected.Length > 0 && CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(given)), SHA256.HashData(Encoding.UTF8.GetBytes(expected)));

    /// <summary>An alert picture at most 640 pixels wide, for the page.</summary>
    private static byte[] Reduced(byte[] jpeg)
    {
        using var picture = Cv2.ImDecode(jpeg, ImreadModes.Color);
        if (picture.Empty() || picture.Cols <= 640)
        {
            return jpeg;
        }

        using var small = new Mat();
        Cv2.Resize(picture, small, new Size(640, Math.Max(1, picture.Rows * 640 / picture.Cols)), interpolation: InterpolationFlags.Area);
        return small.ImEncode(".jpg", new ImageEncodingParam(ImwriteFlags.JpegQuality, 75));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Station page on http://{Listen}/ ({Access})")]
    private static partial void LogListening(ILogger logger, string listen, string access);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Station page: wrong password from {Address}")]
    private static partial void LogWrongPassword(ILogger logger, string address);

    [LoggerMessage(Level = LogLevel.Information, Message = "Station page: alert {Id} marked {Verdict} by {By}: {Outcome}")]
    private static partial void LogVerdict(ILogger logger, string id, string verdict, string by, string outcome);

    [LoggerMessage(Level = LogLevel.Information, Message = "Station page: verdict {Id} undo by {By}: {Outcome}")]
    private static partial void LogVerdictUndone(ILogger logger, long id, string by, string outcome);

    [LoggerMessage(Level = LogLevel.Information, Message = "Station page: alert {Id} on {Channel} {Outcome}")]
    private static partial void LogRetry(ILogger logger, string id, string channel, string outcome);
}
