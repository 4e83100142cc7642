namespace EdgeAgent.Detection.Triton;

using EdgeAgent.Common;

/// <summary>
/// A model on Triton with a local one as fallback (the detector, the species classifier): after a
/// failure the local model serves for a while (doubling from <see cref="TritonOptions.RetryAfter"/> up
/// to a minute while Triton stays away; five minutes after a configuration error, so that a wrong
/// model name is logged, not hammered), then Triton is tried again with the next call, connecting
/// first. Thread-safe.
/// </summary>
public sealed class TritonFailover(TritonOptions options, TimeProvider time)
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
    /// <param name="connect">Connects to Triton and checks the model.</param>
    /// <param name="connected">Told when a connection was made.</param>
    /// <param name="fellBack">Told why Triton failed and how long the local model now serves.</param>
    /// <returns>The answer, and whether Triton gave it.</returns>
    public (T Result, bool ByTriton) Serve<T>(Func<T> onTriton, Func<T>? onLocal, Action connect, Action connected, Action<string, TimeSpan> fellBack)
    {
        ArgumentNullException.ThrowIfNull(onTriton);
        ArgumentNullException.ThrowIfNull(connected);
        ArgumentNullException.ThrowIfNull(fellBack);
        if (onLocal is null || TryTriton)
        {
            try
            {
                if (EnsureConnected(connect))
                {
                    connected();
                }

                var result = onTriton();
                Succeeded();
                return (result, true);
            }
            catch (TritonUnavailableException e) when (onLocal is not null)
            {
                fellBack(e.Message, Failed());
            }
            catch (ConfigurationException e) when (onLocal is not null)
            {
                fellBack(e.Message, Failed(ConfigurationRetry));
            }
        }

        return (onLocal!(), false);
    }

    /// <summary>Whether the next call goes to Triton.</summary>
    public bool TryTriton
    {
        get
        {
            lock (_lock)
            {
                return time.GetUtcNow() >= _retryAt;
            }
        }
    }

    /// <summary>Runs <paramref name="connect"/> unless connected since the last failure; true when it ran.</summary>
    public bool EnsureConnected(Action connect)
    {
        ArgumentNullException.ThrowIfNull(connect);
        lock (_lock)
        {
            if (_connected)
            {
                return false;
            }
        }

        connect();
        lock (_lock)
        {
            _connected = true;
        }

        return true;
    }

    /// <summary>Triton answered.</summary>
    public void Succeeded()
    {
        lock (_lock)
        {
            _failures = 0;
        }
    }

    /// <summary>Triton failed: how long the local model now serves (<paramref name="wait"/> when given).</summary>
    public TimeSpan Failed(TimeSpan? wait = null)
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
}
