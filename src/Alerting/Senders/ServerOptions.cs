namespace EdgeAgent.Alerting.Senders;

/// <summary>
/// What the servers alerts go through (the mail server, the MQTT broker) have in common: where they
/// are, the login, and the checks on both. A channel is on when its host is set.
/// </summary>
public abstract class ServerOptions
{
    /// <summary>The server's host name or address.</summary>
    public string Host { get; set; } = "";

    /// <summary>The server's port.</summary>
    public int Port { get; set; }

    /// <summary>User name for authentication; none when empty.</summary>
    public string Username { get; set; } = "";

    /// <summary>Password: from the environment (<c>Section__Password</c>) or a systemd credential, never from a file.</summary>
    public string Password { get; set; } = "";

    /// <summary>Whether the channel is configured.</summary>
    public bool Enabled => Host.Length > 0;

    /// <summary>What is wrong with the port and the login, named under <paramref name="section"/>.</summary>
    protected IEnumerable<string> ServerProblems(string section)
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
