namespace EdgeAgent.Detection.Triton;

using EdgeAgent.Common;

/// <summary>
/// When to try Triton again after it failed, for a model with a local fallback: after a failure the
/// local model serves for a while (doubling from <see cref="TritonOptions.RetryAfter"/> up to a minute
/// while Triton stays away, or a fixed wait after a configuration error), then Triton is tried again
/// with the next call, connecting first. Thread-safe.
/// </summary>
public sealed class TritonBackoff(TritonOptions options, TimeProvider time)
{
    private readonly Lock _lock = new();
    private DateTimeOffset _retryAt = DateTimeOffset.MinValue;
    private bool _connected;
    private int _failures;

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
