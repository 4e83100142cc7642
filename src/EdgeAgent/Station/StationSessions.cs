namespace EdgeAgent.Station;

using System.Collections.Concurrent;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

/// <summary>
/// The page's login sessions, kept in the agent rather than in the cookie: the cookie carries only a
/// random key, so logging out ends the session on the agent — a cookie copied from the station's
/// browser is worth nothing afterwards — and every session ends with the process.
/// </summary>
public sealed class StationSessions : ITicketStore
{
    private readonly ConcurrentDictionary<string, AuthenticationTicket> _tickets = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public Task<string> StoreAsync(AuthenticationTicket ticket)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        DropLapsed();
        var key = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        _tickets[key] = ticket;
        return Task.FromResult(key);
    }

    /// <inheritdoc />
    public Task RenewAsync(string key, AuthenticationTicket ticket)
    {
        // Only a session that is still open is renewed: a logged-out key stays out.
        if (_tickets.ContainsKey(key))
        {
            _tickets[key] = ticket;
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<AuthenticationTicket?> RetrieveAsync(string key) =>
        Task.FromResult(_tickets.TryGetValue(key, out var ticket) && !Lapsed(ticket) ? ticket : null);

    /// <inheritdoc />
    public Task RemoveAsync(string key)
    {
        _tickets.TryRemove(key, out _);
        return Task.CompletedTask;
    }

    private static bool Lapsed(AuthenticationTicket ticket) => ticket.Properties.ExpiresUtc is { } expires && expires < DateTimeOffset.UtcNow;

    private void DropLapsed()
    {
        foreach (var (key, ticket) in _tickets)
        {
            if (Lapsed(ticket))
            {
                _tickets.TryRemove(key, out _);
            }
        }
    }
}
