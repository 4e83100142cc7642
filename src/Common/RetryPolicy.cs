namespace EdgeAgent.Common;

/// <summary>Exponential backoff with jitter, capped: after many devices lose the same uplink, their retries do not arrive in step.</summary>
public static class RetryPolicy
{
    /// <summary>The wait after a failed attempt number <paramref name="attempt"/> (1 for the first).</summary>
    public static TimeSpan DelayAfter(int attempt, TimeSpan initial, TimeSpan max, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var exponential = initial.TotalMilliseconds * Math.Pow(2, Math.Clamp(attempt - 1, 0, 30));
        var capped = Math.Min(exponential, max.TotalMilliseconds);
        var jitter = 0.8 + (0.4 * random.NextDouble());
        return TimeSpan.FromMilliseconds(capped * jitter);
    }
}
