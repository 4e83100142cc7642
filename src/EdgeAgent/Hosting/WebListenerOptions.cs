namespace EdgeAgent.Hosting;

using System.Net;

/// <summary>
/// What the agent's web listeners (metrics and health, the station page) share: whether and where
/// they listen — loopback by default — and the password they ask for when they listen beyond it.
/// </summary>
/// <param name="section">The configuration section, for the messages.</param>
/// <param name="what">What listens, for the messages.</param>
/// <param name="defaultPort">The port on loopback by default, so that nothing is exposed to the network unless asked.</param>
public abstract class WebListenerOptions(string section, string what, int defaultPort) : ISelfValidating
{
    /// <summary>The shortest password accepted.</summary>
    public const int MinPasswordLength = 12;

    /// <summary>Serve it.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Address and port. Any address but loopback requires <see cref="Password"/>.</summary>
    public string Listen { get; set; } = $"127.0.0.1:{defaultPort}";

    /// <summary>The login's password: from the environment (<c>Section__Password</c>) or a systemd credential, never the file.</summary>
    public string Password { get; set; } = "";

    /// <summary>Whether a login is asked for: whenever it listens beyond this machine.</summary>
    public bool LoginRequired => !IPEndPoint.TryParse(Listen, out var endpoint) || !IPAddress.IsLoopback(endpoint.Address);

    /// <summary>Compares in constant time, over hashes so that the length does not show either.</summary>
    public bool PasswordMatches(string given) =>
        Password.Length > 0 && System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(
            System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(given)),
            System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(Password)));

    /// <inheritdoc />
    public IEnumerable<string> Problems() => (Enabled ? ListenerProblems() : []).Concat(SettingProblems());

    /// <summary>What is wrong with the section's other settings, checked even when it does not listen.</summary>
    protected abstract IEnumerable<string> SettingProblems();

    private IEnumerable<string> ListenerProblems()
    {
        if (!IPEndPoint.TryParse(Listen, out var endpoint) || endpoint.Port == 0)
        {
            yield return $"{section}:Listen: '{Listen}' is not an address:port such as 127.0.0.1:{defaultPort} (0.0.0.0:{defaultPort} for every address, with a password)";
        }
        else if (LoginRequired && Password.Length < MinPasswordLength)
        {
            yield return $"{section}:Password: {what} listens on {Listen}, beyond this machine, so it needs a login: set the environment variable {section}__Password " +
                $"or a systemd credential named {section}__Password ({MinPasswordLength} characters or more)";
        }
    }
}
