namespace EdgeAgent.Jobs;

using System.Collections.Concurrent;
using System.Diagnostics;
using EdgeAgent.Alerting;
using EdgeAgent.Alerting.Outbox;

/// <summary>Latency of one channel over a benchmark run.</summary>
public sealed record ChannelLatency(string Channel, int Delivered, double P50Milliseconds, double P99Milliseconds, double MaxMilliseconds);

/// <summary>
/// The <c>bench-alerts</c> verb: observations in, one every interval, through geofence, rules and
/// outbox, until each channel's server acknowledged them (the SMTP 250, the MQTT PUBACK).
/// </summary>
public sealed class AlertBenchJob(AlertRaiser raiser, OutboxDispatcher dispatcher, TestAlertJob testAlerts)
{
    /// <summary>The label the benchmark's own rule matches.</summary>
    public const string Label = "bench";

    private const string WarmUp = "bench-warm-up";

    /// <summary>Runs the benchmark; the hosted services (dispatcher, MQTT) must be running.</summary>
    public async Task<IReadOnlyList<ChannelLatency>> RunAsync(int count, TimeSpan interval, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var started = new ConcurrentDictionary<string, long>();
        var latencies = new ConcurrentDictionary<string, ConcurrentBag<double>>();
        var expected = (count + 1) * raiser.Channels.Count;
        var delivered = 0;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnDelivered(OutboxEntry entry, DateTimeOffset at)
        {
            if (started.TryGetValue(entry.Alert.Observation.SourceId, out var start))
            {
                if (entry.Alert.Observation.SourceId != WarmUp)
                {
                    latencies.GetOrAdd(entry.Channel, _ => []).Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                }

                if (Interlocked.Increment(ref delivered) == expected)
                {
                    done.TrySetResult();
                }
            }
        }

        dispatcher.Delivered += OnDelivered;
        try
        {
            var template = testAlerts.CreateAlert(0).Observation;
            for (var i = -1; i < count; i++)
            {
                // A source per observation: the cooldown must not swallow the benchmark's alerts. The
                // first opens the connections (TLS handshake, JIT) and is not counted.
                var observation = template with
                {
                    SourceId = i < 0 ? WarmUp : $"bench-{i}",
                    CapturedAt = DateTimeOffset.UtcNow,
                    Detection = template.Detection with { Label = Label },
                };
                started[observation.SourceId] = Stopwatch.GetTimestamp();
                _ = await raiser.ObserveAsync(observation, cancellationToken).ConfigureAwait(false)
                    ?? throw new InvalidOperationException("the benchmark rule did not match");
                await Task.Delay(i < 0 ? TimeSpan.FromSeconds(2) : interval, cancellationToken).ConfigureAwait(false);
            }

            await done.Task.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            dispatcher.Delivered -= OnDelivered;
        }

        return latencies.Select(l =>
        {
            var sorted = l.Value.Order().ToArray();
            return new ChannelLatency(l.Key, sorted.Length, Percentile(sorted, 0.50), Percentile(sorted, 0.99), sorted[^1]);
        }).OrderBy(l => l.Channel, StringComparer.Ordinal).ToList();
    }

    private static double Percentile(double[] sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
}
