namespace EdgeAgent.Alerting.Outbox;

/// <summary>
/// Wakes a channel's dispatcher when alerts for it are committed, so a new alert leaves at once
/// instead of at the dispatcher's next poll. One signal per channel, holding at most one wake-up:
/// several commits while the dispatcher is busy wake it once, and it then takes all that is due.
/// </summary>
public sealed class OutboxSignal
{
    private readonly Dictionary<string, SemaphoreSlim> _wakeUps = new(StringComparer.Ordinal);

    /// <summary>Wakes the dispatchers of the channels whose alerts were just committed.</summary>
    public void AlertsCommitted(IEnumerable<string> channels)
    {
        ArgumentNullException.ThrowIfNull(channels);
        foreach (var channel in channels)
        {
            var signal = Of(channel);
            lock (signal)
            {
                if (signal.CurrentCount == 0)
                {
                    signal.Release();
                }
            }
        }
    }

    /// <summary>Waits until an alert is committed for the channel, or the timeout passes.</summary>
    public Task WaitForWorkAsync(string channel, TimeSpan timeout, CancellationToken cancellationToken) =>
        Of(channel).WaitAsync(timeout, cancellationToken);

    private SemaphoreSlim Of(string channel)
    {
        lock (_wakeUps)
        {
            if (!_wakeUps.TryGetValue(channel, out var signal))
            {
                signal = new SemaphoreSlim(0, 1);
                _wakeUps[channel] = signal;
            }

            return signal;
        }
    }
}
