namespace EdgeAgent.Common;

/// <summary>
/// A user's mistake in a file or option: a manifest, a model that does not fit it, a mask, a path.
/// The message names the thing and what is wrong; it is shown without a stack trace and ends the
/// process with exit code 2.
/// </summary>
public sealed class ConfigurationException : Exception
{
    /// <summary>The exit code for configuration errors.</summary>
    public const int ExitCode = 2;

    public ConfigurationException(string message)
        : base(message)
    {
    }

    public ConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
