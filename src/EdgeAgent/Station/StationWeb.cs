namespace EdgeAgent.Station;

using System.Net;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Threading.RateLimiting;
using EdgeAgent.Hosting;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;

/// <summary>
/// What every station page's web server has, the agent's own and the programme's: strict security
/// headers on every answer; beyond loopback a password login (a cookie session that lapses after
/// <see cref="StationOptions.SessionLifetime"/> unused, five tries a minute per address, the keys
/// never on disk); anti-forgery tokens for every POST; the style sheet and the script; and a page of
/// sections that the script polls (answered 304 when unchanged).
/// </summary>
public static partial class StationWeb
{
    /// <summary>The web application on <see cref="WebListenerOptions.Listen"/>, with the login and the page's files.</summary>
    public static WebApplication Build(StationOptions station, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(station);
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

        MapLogin(app, station, logger);
        app.MapGet("/station.css", () => Results.Text(StationPage.Css, "text/css; charset=utf-8"));
        app.MapGet("/station.js", () => Results.Text(StationPage.Script, "text/javascript; charset=utf-8"));
        return app;
    }

    /// <summary>
    /// The page at <c>/</c> with its sections, and each section alone at <c>/fragments/{id}</c> for the
    /// script's polls: unchanged since the last poll, 304 and nothing over the link.
    /// </summary>
    public static void MapPage(WebApplication app, bool loginRequired, string heading, IReadOnlyList<(string Id, string Title)> sections, Func<string, HttpContext, string> fragment)
    {
        ArgumentNullException.ThrowIfNull(app);
        var antiforgery = app.Services.GetRequiredService<IAntiforgery>();
        app.MapGet("/", (HttpContext context) =>
            Html(StationPage.Page(heading, sections.Select(s => (s.Id, s.Title, fragment(s.Id, context))).ToList(), loginRequired, Token(antiforgery, context))));
        app.MapGet("/fragments/{section}", (string section, HttpContext context) =>
        {
            if (!sections.Any(s => s.Id == section))
            {
                return Results.NotFound();
            }

            var html = fragment(section, context);
            var tag = $"\"{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(html)).AsSpan(0, 12))}\"";
            context.Response.Headers.ETag = tag;
            return context.Request.Headers.IfNoneMatch == tag ? Results.StatusCode(StatusCodes.Status304NotModified) : Html(html);
        });
    }

    /// <summary>The anti-forgery token a form of this page carries.</summary>
    public static string Token(IAntiforgery antiforgery, HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(antiforgery);
        return antiforgery.GetAndStoreTokens(context).RequestToken ?? "";
    }

    /// <summary>Whether a POST carries a valid anti-forgery token.</summary>
    public static async Task<bool> IsValidAsync(IAntiforgery antiforgery, HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(antiforgery);
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

    /// <summary>An HTML answer.</summary>
    public static IResult Html(string html, int status = StatusCodes.Status200OK) =>
        Results.Content(html, "text/html; charset=utf-8", Encoding.UTF8, status);

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

    private static void MapLogin(WebApplication app, StationOptions station, ILogger logger)
    {
        var antiforgery = app.Services.GetRequiredService<IAntiforgery>();
        app.MapGet("/login", (HttpContext context) => Html(StationPage.Login(null, Token(antiforgery, context))));
        app.MapPost("/login", async (HttpContext context) =>
        {
            if (!station.LoginRequired)
            {
                return Results.Redirect("/");
            }

            if (!await IsValidAsync(antiforgery, context).ConfigureAwait(false))
            {
                return Html(StationPage.Login("The form has expired: try again.", Token(antiforgery, context)), StatusCodes.Status400BadRequest);
            }

            var form = await context.Request.ReadFormAsync().ConfigureAwait(false);
            if (!station.PasswordMatches(form["password"].ToString()))
            {
                LogWrongPassword(logger, context.Connection.RemoteIpAddress?.ToString() ?? "?");
                return Html(StationPage.Login("Wrong password.", Token(antiforgery, context)), StatusCodes.Status401Unauthorized);
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Station page: wrong password from {Address}")]
    private static partial void LogWrongPassword(ILogger logger, string address);
}
