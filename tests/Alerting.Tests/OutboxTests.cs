namespace Alerting.Tests;

using EdgeAgent.Alerting.Observations;
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
