namespace EdgeAgent.Station;

using System.Net;
using EdgeAgent.Common;

/// <summary>Configuration section <c>Station</c>: the page the station's ranger and technician open in a browser.</summary>
public sealed class StationOptions : ISelfValidating
{
    /// <summary>The section's name.</summary>
    public const string SectionName = "Station";

    /// <summary>Serve the page.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Address and port; loopback by default (reach it through an SSH tunnel). Any other address requires <see cref="Password"/>.</summary>
    public string Listen { get; set; } = "127.0.0.1:9465";

    /// <summary>The login's password: from the environment (<c>Station__Password</c>) or a systemd credential, never the file.</summary>
    public string Password { get; set; } = "";

    /// <summary>A login lasts this long without use.</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(8);

    /// <summary>Alerts the page lists.</summary>
    public int Alerts { get; set; } = 50;

    /// <summary>Whether the page asks for a login: whenever it listens beyond this machine.</summary>
    public bool LoginRequired => !IPEndPoint.TryParse(Listen, out var endpoint) || !IPAddress.IsLoopback(endpoint.Address);

    /// <inheritdoc />
    public IEnumerable<string> Problems()
    {
        if (!Enabled)
        {
            yield break;
        }

        if (!IPEndPoint.TryParse(Listen, out var endpoint) || endpoint.Port == 0)
        {
            yield return $"Station:Listen: '{Listen}' is not an address:port such as 127.0.0.1:9465 (0.0.0.0:9465 for every address, with a password)";
        }
        else if (LoginRequired && Password.Length < 12)
        {
            yield return $"Station:Password: the page listens on {Listen}, beyond this machine, so it needs a login: set the environment variable Station__Password " +
                "or a systemd credential named Station__Password (12 characters or more)";
        }

        if (SessionLifetime <= TimeSpan.Zero)
        {
            yield return $"Station:SessionLifetime: {SessionLifetime} must be positive";
        }

        if (Alerts is < 1 or > 1000)
        {
            yield return $"Station:Alerts: {Alerts} must lie between 1 and 1000";
        }
    }
}
