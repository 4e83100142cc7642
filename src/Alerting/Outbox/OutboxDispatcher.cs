namespace EdgeAgent.Alerting.Outbox;

using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

/// <summary>
/// Sends what the outbox holds, one loop per channel so that a dead mail server does not hold back
/// MQTT. Failures are retried with backoff until the attempts run out; nothing ever stops the loop.
/// </summary>
public sealed partial class OutboxDispatcher(
    AlertOutbox outbox, IEnumerable<IAlertSender> senders, IOptions<OutboxOptions> options, TimeProvider time, ILogger<OutboxDispatcher> logger)
    : BackgroundService
{
    /// <summary>Pending entries are looked at at least this often, even without a wake-up.</summary>
    private static readonly TimeSpan IdlePoll = TimeSpan.FromSeconds(5);

    private readonly OutboxOptions _options = options.Value;

    /// <summary>Raised after each delivery, with the entry and when it was delivered (for metrics and benchmarks).</summary>
    public event Action<OutboxEntry, DateTimeOffset>? Delivered;

    /// <summary>Raised when an entry is given up after its last attempt.</summary>
    public event Action<OutboxEntry>? GaveUp;

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var recovered = await outbox.RecoverInterruptedAsync().ConfigureAwait(false);
        if (recovered > 0)
        {
            LogRecovered(recovered);
        }

        await Task.WhenAll(senders.Select(s => Task.Run(() => RunChannelAsync(s, stoppingToken), stoppingToken)).Append(PruneAsync(stoppingToken))).ConfigureAwait(false);
    }

    /// <summary>Once an hour, sent alerts older than <see cref="OutboxOptions.KeepSent"/> go: months of pictures would fill the disk.</summary>
    private async Task PruneAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var pruned = await outbox.PruneSentAsync(time.GetUtcNow() - _options.KeepSent, stoppingToken).ConfigureAwait(false);
                if (pruned > 0)
                {
                    LogPruned(pruned, _options.KeepSent.TotalDays);
                }

                await Task.Delay(TimeSpan.FromHours(1), time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is Microsoft.Data.Sqlite.SqliteException or IOException)
            {
                LogLoopError(e, "pruning");
                await Task.Delay(TimeSpan.FromMinutes(5), time, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    private async Task RunChannelAsync(IAlertSender sender, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var due = await outbox.ClaimDueAsync(sender.Channel, 16, stoppingToken).ConfigureAwait(false);
                foreach (var entry in due)
                {
                    await SendAsync(sender, entry, stoppingToken).ConfigureAwait(false);
                }

                if (due.Count == 0)
                {
                    var next = await outbox.NextDueAsync(sender.Channel, stoppingToken).ConfigureAwait(false);
                    var wait = next is { } at ? at - time.GetUtcNow() : IdlePoll;
                    await outbox.Signal.WaitForWorkAsync(sender.Channel, wait < TimeSpan.Zero ? TimeSpan.Zero : wait > IdlePoll ? IdlePoll : wait, stoppingToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // The database itself failed (disk full, locked): log, wait, go on. Entries this
                // channel had claimed are left "sending"; nothing of it is in flight now, so they go
                // back to pending — one whose delivery was not recorded is sent again, never lost.
                LogLoopError(e, sender.Channel);
                await Task.Delay(TimeSpan.FromSeconds(1), time, stoppingToken).ConfigureAwait(false);
                await TryRecoverAsync(sender.Channel).ConfigureAwait(false);
            }
        }
    }

    private async Task TryRecoverAsync(string channel)
    {
        try
        {
            await outbox.RecoverInterruptedAsync(channel).ConfigureAwait(false);
        }
        catch (Exception e) when (e is Microsoft.Data.Sqlite.SqliteException or IOException)
        {
            // Still failing: the next round tries again.
            LogLoopError(e, channel);
        }
    }

    private async Task SendAsync(IAlertSender sender, OutboxEntry entry, CancellationToken stoppingToken)
    {
        try
        {
            var reply = await sender.SendAsync(entry.Alert, stoppingToken).ConfigureAwait(false);
            var deliveredAt = time.GetUtcNow();
            await outbox.MarkSentAsync(entry, reply).ConfigureAwait(false);
            Delivered?.Invoke(entry, deliveredAt);
            var latency = deliveredAt - entry.Alert.Observation.LatencyStart;
            LogSent(entry.Id, sender.Channel, entry.Attempts, reply, latency.TotalMilliseconds);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: back to pending, to be sent on the next start.
            await outbox.MarkRetryAsync(entry, "interrupted by shutdown", time.GetUtcNow()).ConfigureAwait(false);
            throw;
        }
        catch (Exception e)
        {
            var error = e.Message;
            if (entry.Attempts >= _options.MaxAttempts)
            {
                await outbox.MarkFailedAsync(entry, error).ConfigureAwait(false);
                GaveUp?.Invoke(entry);
                LogFailed(entry.Id, sender.Channel, entry.Attempts, error);
            }
            else
            {
                var delay = RetryPolicy.DelayAfter(entry.Attempts, _options.InitialRetryDelay, _options.MaxRetryDelay, Random.Shared);
                await outbox.MarkRetryAsync(entry, error, time.GetUtcNow() + delay).ConfigureAwait(false);
                LogRetry(entry.Id, sender.Channel, entry.Attempts, error, delay.TotalSeconds);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Outbox: {Count} alerts were being sent when the agent last stopped; they will be sent again")]
    private partial void LogRecovered(int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Outbox: {Count} sent alert rows older than {Days:F0} days deleted")]
    private partial void LogPruned(int count, double days);

    [LoggerMessage(Level = LogLevel.Error, Message = "Outbox loop for {Channel} failed; retrying")]
    private partial void LogLoopError(Exception exception, string channel);

    [LoggerMessage(Level = LogLevel.Information, Message = "Alert {Id} sent by {Channel} (attempt {Attempt}): {Reply}; {LatencyMs:F0} ms after the picture arrived")]
    private partial void LogSent(string id, string channel, int attempt, string reply, double latencyMs);

    [LoggerMessage(Level = LogLevel.Error, Message = "Alert {Id} failed on {Channel} after {Attempts} attempts: {Error}")]
    private partial void LogFailed(string id, string channel, int attempts, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alert {Id} not sent by {Channel} (attempt {Attempt}): {Error}; next try in {Seconds:F0} s")]
    private partial void LogRetry(string id, string channel, int attempt, string error, double seconds);
}
