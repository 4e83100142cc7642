namespace EdgeAgent.Alerting.Senders;


/// <summary>
/// What the servers alerts go through (the mail server, the MQTT broker) have in common: where they
/// are, the login, and the checks on both. A channel is on when its host is set, and only then checked.
/// </summary>
/// <param name="section">The configuration section, for the messages.</param>
/// <param name="defaultPort">The port when none is given.</param>
public abstract class ServerOptions(string section, int defaultPort) : ISelfValidating
{
    /// <summary>The server's host name or address.</summary>
    public string Host { get; set; } = "";

    /// <summary>The server's port.</summary>
    public int Port { get; set; } = defaultPort;

    /// <summary>User name for authentication; none when empty.</summary>
    public string Username { get; set; } = "";

    /// <summary>Password: from the environment (<c>Section__Password</c>) or a systemd credential, never from a file.</summary>
    public string Password { get; set; } = "";

    /// <summary>Whether the channel is configured.</summary>
    public bool Enabled => Host.Length > 0;

    /// <inheritdoc />
    public IEnumerable<string> Problems() => Enabled ? ServerProblems().Concat(SettingProblems()) : [];

    /// <summary>What is wrong with the channel's other settings.</summary>
    protected abstract IEnumerable<string> SettingProblems();

    private IEnumerable<string> ServerProblems()
    {
        if (Port is < 1 or > 65535)
        {
            yield return $"{section}:Port: {Port} is not a port (1–65535)";
        }

        if (Username.Length > 0 && Password.Length == 0)
        {
            yield return $"{section}:Password: {section}:Username is set but no password: set the environment variable {section}__Password or a systemd credential named {section}__Password";
        }
    }
}
