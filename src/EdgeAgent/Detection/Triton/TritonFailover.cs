namespace EdgeAgent.Detection.Triton;

using LogLevel = Microsoft.Extensions.Logging.LogLevel;

/// <summary>A model on a Triton server, connected and checked before its first call.</summary>
public interface ITritonModel
{
    /// <summary>Where it points, for logs.</summary>
    string Describe { get; }

    /// <summary>Checks the server and the model; a mismatch is a <see cref="ConfigurationException"/>, an unreachable server a <see cref="TritonUnavailableException"/>.</summary>
    void Connect();
}

/// <summary>
/// A model on Triton with a local one as fallback (the detector, the species classifier): after a
/// failure the local model serves for a while (doubling from <see cref="TritonOptions.RetryAfter"/> up
/// to a minute while Triton stays away; five minutes after a configuration error, so that a wrong
/// model name is logged, not hammered), then Triton is tried again with the next call, connecting
/// first. Thread-safe.
/// </summary>
/// <param name="triton">The model on Triton.</param>
/// <param name="model">What it is, for the logs: <c>detector</c>, <c>species classifier</c>.</param>
/// <param name="options">The server's options.</param>
/// <param name="time">The clock.</param>
/// <param name="logger">Where connections and fallbacks are logged.</param>
public sealed partial class TritonFailover(ITritonModel triton, string model, TritonOptions options, TimeProvider time, ILogger logger)
{
    private static readonly TimeSpan ConfigurationRetry = TimeSpan.FromMinutes(5);
    private readonly Lock _lock = new();
    private DateTimeOffset _retryAt = DateTimeOffset.MinValue;
    private bool _connected;
    private int _failures;

    /// <summary>
    /// One call: to Triton when it is due (connecting first) or when there is no local model, else to
    /// the local model, which also takes a call that Triton fails as unavailable or misconfigured.
    /// Without a local model Triton's failure is the call's.
    /// </summary>
    /// <param name="onTriton">The call on Triton.</param>
    /// <param name="onLocal">The call on the local model; null when there is none.</param>
    /// <returns>The answer, and whether Triton gave it.</returns>
    public (T Result, bool ByTriton) Serve<T>(Func<T> onTriton, Func<T>? onLocal)
    {
        ArgumentNullException.ThrowIfNull(onTriton);
        if (onLocal is null || TryTriton)
        {
            try
            {
                if (EnsureConnected())
                {
                    LogConnected(model, triton.Describe);
                }

                var result = onTriton();
                Succeeded();
                return (result, true);
            }
            catch (TritonUnavailableException e) when (onLocal is not null)
            {
                LogFallback(e.Message, model, Failed().TotalSeconds);
            }
            catch (ConfigurationException e) when (onLocal is not null)
            {
                LogFallback(e.Message, model, Failed(ConfigurationRetry).TotalSeconds);
            }
        }

        return (onLocal!(), false);
    }

    /// <summary>Whether the next call goes to Triton.</summary>
    private bool TryTriton
    {
        get
        {
            lock (_lock)
            {
                return time.GetUtcNow() >= _retryAt;
            }
        }
    }

    /// <summary>Connects unless connected since the last failure; true when it did.</summary>
    private bool EnsureConnected()
    {
        lock (_lock)
        {
            if (_connected)
            {
                return false;
            }
        }

        triton.Connect();
        lock (_lock)
        {
            _connected = true;
        }

        return true;
    }

    /// <summary>Triton answered.</summary>
    private void Succeeded()
    {
        lock (_lock)
        {
            _failures = 0;
        }
    }

    /// <summary>Triton failed: how long the local model now serves (<paramref name="wait"/> when given).</summary>
    private TimeSpan Failed(TimeSpan? wait = null)
    {
        lock (_lock)
        {
            _failures++;
            _connected = false;
            var delay = wait ?? RetryPolicy.DelayAfter(_failures, options.RetryAfter, TimeSpan.FromMinutes(1), Random.Shared);
            _retryAt = time.GetUtcNow() + delay;
            return delay;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "The {Model} runs on {Triton}")]
    private partial void LogConnected(string model, string triton);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Triton failed ({Reason}); the local {Model} serves, Triton is tried again in {Seconds:F0} s")]
    private partial void LogFallback(string reason, string model, double seconds);
}
