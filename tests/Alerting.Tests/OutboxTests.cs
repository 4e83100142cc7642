namespace Alerting.Tests;

using EdgeAgent.Common.Observations;
using EdgeAgent.Alerting.Outbox;
using EdgeAgent.Alerting.Rules;
using EdgeAgent.Common;
using EdgeAgent.Testing;
using Microsoft.Extensions.Options;

/// <summary>The outbox's state machine on a real SQLite file.</summary>
public sealed class OutboxTests : IAsyncDisposable
{
    private readonly TempFolder _folder = new();
    private readonly ManualTime _time = new(new DateTimeOffset(2026, 11, 26, 2, 14, 0, TimeSpan.Zero));
    private AlertOutbox _outbox;

    public OutboxTests() => _outbox = Open();

    private AlertOutbox Open() => new(Options.Create(new DatabaseOptions { Path = _folder.File("state/edge-agent.db") }), _time);

    private Alert NewAlert(byte[]? picture = null) => new(
        Alert.NewId(),
        _time.Now,
        AlertSeverity.Critical,
        "poacher-in-rhino",
        new Observation("CT-07", _time.Now, new GeoPosition(-1.4, 35.1), new Detection("person", DetectionCategory.Person, 0.91f, new BoundingBox(1, 2, 3, 4)), picture),
        "rhino",
        "Rhino Sanctuary",
        ["ranger@example.org"],
        "Africa/Nairobi");

    [Fact]
    public async Task An_alert_waits_per_channel_and_survives_a_reopen()
    {
        var alert = NewAlert([0xFF, 0xD8, 0xFF, 0xD9]);
        await _outbox.EnqueueAsync(alert, ["email", "mqtt"]);
        await _outbox.DisposeAsync();
        _outbox = Open();

        var claimed = Assert.Single(await _outbox.ClaimDueAsync("email", 10));

        Assert.Equal(alert.Id, claimed.Id);
        Assert.Equal((OutboxState.Sending, 1), (claimed.State, claimed.Attempts));
        Assert.Equal(alert.Observation.Picture, claimed.Alert.Observation.Picture);
        Assert.Equal(alert.Observation.Detection, claimed.Alert.Observation.Detection);
        Assert.Equal("Africa/Nairobi", claimed.Alert.TimeZone);
        Assert.Single(await _outbox.ClaimDueAsync("mqtt", 10));
        Assert.Empty(await _outbox.ClaimDueAsync("email", 10));
    }

    [Fact]
    public async Task An_animal_alert_keeps_its_taxon_and_the_classifiers_top_classes_across_a_reopen()
    {
        var elephant = new Taxon("mammalia", "proboscidea", "elephantidae", "loxodonta", "africana", "african elephant");
        var named = new Classification(elephant, 0.93f, "mobilenet-v2-imagenet", [new ScoredClass("African elephant", 0.9f, elephant), new ScoredClass("tusker", 0.05f, null)]);
        var person = NewAlert();
        var alert = person with { Observation = person.Observation with { Detection = new Detection("elephant", DetectionCategory.Animal, 0.7f, new BoundingBox(1, 2, 3, 4)) { Taxon = named } } };
        await _outbox.EnqueueAsync(alert, ["email"]);
        await _outbox.DisposeAsync();
        _outbox = Open();

        var read = Assert.Single(await _outbox.ClaimDueAsync("email", 10)).Alert.Observation.Detection.Taxon!;
        Assert.Equal(elephant, read.Taxon);
        Assert.Equal((0.93f, "mobilenet-v2-imagenet"), (read.Score, read.Method));
        Assert.Equal(named.Top, read.Top);
    }

    [Fact]
    public async Task A_failed_attempt_waits_for_its_retry_time()
    {
        await _outbox.EnqueueAsync(NewAlert(), ["email"]);
        var entry = Assert.Single(await _outbox.ClaimDueAsync("email", 10));

        await _outbox.MarkRetryAsync(entry, "mail server answered 451", _time.Now.AddSeconds(30));

        Assert.Empty(await _outbox.ClaimDueAsync("email", 10));
        Assert.Equal(_time.Now.AddSeconds(30), await _outbox.NextDueAsync("email", default));
        _time.Now = _time.Now.AddSeconds(31);
        var again = Assert.Single(await _outbox.ClaimDueAsync("email", 10));
        Assert.Equal(2, again.Attempts);
        Assert.Equal("mail server answered 451", again.LastError);
    }

    [Fact]
    public async Task Sent_and_failed_entries_are_not_claimed_again()
    {
        await _outbox.EnqueueAsync(NewAlert(), ["email"]);
        await _outbox.EnqueueAsync(NewAlert(), ["email"]);
        var entries = await _outbox.ClaimDueAsync("email", 10);

        await _outbox.MarkSentAsync(entries[0]);
        await _outbox.MarkFailedAsync(entries[1], "550 mailbox unavailable");

        Assert.Empty(await _outbox.ClaimDueAsync("email", 10));
        var listed = await _outbox.ListAsync();
        Assert.Equal([OutboxState.Sent, OutboxState.Failed], listed.Select(e => e.State));
        Assert.NotNull(listed[0].SentAt);
        Assert.Equal("550 mailbox unavailable", listed[1].LastError);
        Assert.Null(await _outbox.NextDueAsync("email", default));
    }

    [Fact]
    public async Task Entries_left_sending_by_a_crash_are_sent_again()
    {
        await _outbox.EnqueueAsync(NewAlert(), ["email"]);
        Assert.Single(await _outbox.ClaimDueAsync("email", 10));
        await _outbox.DisposeAsync();
        _outbox = Open();

        Assert.Equal(1, await _outbox.RecoverInterruptedAsync());
        Assert.Equal(2, Assert.Single(await _outbox.ClaimDueAsync("email", 10)).Attempts);
    }

    [Fact]
    public async Task A_delivery_that_cannot_be_recorded_is_sent_again_in_the_same_process_not_left_sending()
    {
        await _outbox.DisposeAsync();
        _outbox = new(Options.Create(new DatabaseOptions { Path = _folder.File("state/edge-agent.db"), LockTimeout = TimeSpan.FromSeconds(1) }), _time);
        await _outbox.EnqueueAsync(NewAlert(), ["email"]);
        var database = _folder.File("state/edge-agent.db");
        using var sender = new LockingSender(database);
        var log = new ErrorSignal();
        var dispatcher = new OutboxDispatcher(_outbox, [sender], Options.Create(new OutboxOptions()), TimeProvider.System, log);
        var delivered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        dispatcher.Delivered += (_, _) => delivered.TrySetResult();

        // The first delivery succeeds but the database is locked (as a full disk would fail it): once
        // the agent has said it could not record it, the lock goes, and the row must go back to
        // pending and be sent again — without it, it stays "sending" and nothing is delivered.
        await dispatcher.StartAsync(default);
        try
        {
            await log.First.WaitAsync(TimeSpan.FromSeconds(60));
            sender.ReleaseLock();
            await delivered.Task.WaitAsync(TimeSpan.FromSeconds(60));
        }
        finally
        {
            await dispatcher.StopAsync(default);
        }

        Assert.Equal(2, sender.Sends);
        Assert.Equal(2, (await _outbox.ListAsync()).Single().Attempts);
    }

    [Fact]
    public async Task Sent_alerts_are_pruned_after_their_age_and_waiting_ones_never()
    {
        var old = NewAlert([0xFF, 0xD8, 0xFF, 0xD9]);
        await _outbox.EnqueueAsync(old, ["email", "mqtt"]);
        await _outbox.MarkSentAsync(Assert.Single(await _outbox.ClaimDueAsync("email", 10)));
        var waiting = NewAlert();
        await _outbox.EnqueueAsync(waiting, ["email"]);
        _time.Now = _time.Now.AddDays(31);

        // The old alert is not sent on MQTT yet: nothing goes.
        Assert.Equal(0, await _outbox.PruneSentAsync(_time.Now.AddDays(-30)));
        await _outbox.MarkSentAsync(Assert.Single(await _outbox.ClaimDueAsync("mqtt", 10)));
        Assert.Equal(2, await _outbox.PruneSentAsync(_time.Now.AddDays(-30)));

        Assert.Equal(waiting.Id, Assert.Single(await _outbox.ListAsync()).Id);
        Assert.Equal(_time.Now.AddDays(-31), await _outbox.OldestWaitingAsync());
    }

    [Fact]
    public async Task Enqueueing_the_same_alert_twice_keeps_one()
    {
        var alert = NewAlert();
        await _outbox.EnqueueAsync(alert, ["email"]);
        await _outbox.EnqueueAsync(alert, ["email"]);
        Assert.Single(await _outbox.ListAsync());
    }

    [Theory]
    [InlineData(1, 2_000)]
    [InlineData(2, 4_000)]
    [InlineData(4, 16_000)]
    [InlineData(20, 300_000)]
    public void Backoff_doubles_with_jitter_up_to_the_cap(int attempt, double expectedMs)
    {
        for (var seed = 0; seed < 20; seed++)
        {
            var delay = RetryPolicy.DelayAfter(attempt, TimeSpan.FromSeconds(2), TimeSpan.FromMinutes(5), new Random(seed));
            Assert.InRange(delay.TotalMilliseconds, expectedMs * 0.8, expectedMs * 1.2);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _outbox.DisposeAsync();
        _folder.Dispose();
    }
}

/// <summary>Delivers, and on the first delivery locks the database from another connection until told to let go, so that recording the delivery fails.</summary>
internal sealed class LockingSender(string database) : IAlertSender, IDisposable
{
    private Microsoft.Data.Sqlite.SqliteConnection? _lock;

    public string Channel => "email";

    public int Sends { get; private set; }

    public Task<string> SendAsync(Alert alert, CancellationToken cancellationToken)
    {
        if (Sends++ == 0)
        {
            _lock = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={database};Pooling=False");
            _lock.Open();
            using var begin = _lock.CreateCommand();
            begin.CommandText = "BEGIN EXCLUSIVE";
            begin.ExecuteNonQuery();
        }

        return Task.FromResult("250 queued");
    }

    public void ReleaseLock() => _lock?.Dispose();

    public void Dispose() => _lock?.Dispose();
}

/// <summary>A logger that tells when the first error is logged.</summary>
internal sealed class ErrorSignal : Microsoft.Extensions.Logging.ILogger<OutboxDispatcher>
{
    private readonly TaskCompletionSource _first = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task First => _first.Task;

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => true;

    public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (logLevel >= Microsoft.Extensions.Logging.LogLevel.Error)
        {
            _first.TrySetResult();
        }
    }
}
