namespace EdgeAgent.Sync;

using EdgeAgent.Alerting.Geofencing;
using EdgeAgent.Hosting;
using EdgeAgent.Recording;
using Npgsql;

/// <summary>Where shipping stands: what waits, since when, and how the last try went.</summary>
public sealed record ShippingStatus(long Records, DateTimeOffset? Oldest, long Pictures, DateTimeOffset? LastContact, string? LastError);

/// <summary>
/// The sync stage: ships the queued records to the central database in shipments of
/// <see cref="SyncOptions.BatchSize"/>, oldest first (so each source's records arrive in their
/// order), every <see cref="SyncOptions.Interval"/> or at once while a backlog drains; then alert
/// pictures within the day's budget. A failed shipment is tried again with growing waits; the queue
/// entries go only after the server committed them, so a restart resumes from what it acknowledged.
/// </summary>
public sealed partial class SyncService(
    IOptions<SyncOptions> options, IOptions<DatabaseOptions> database, RecordDatabase records, ZoneMap zones, IOptions<GeofencingOptions> geofencing, AgentHealth health, TimeProvider time, ILogger<SyncService> logger)
    : BackgroundService
{
    /// <summary>An idle agent still tells the server it is alive this often.</summary>
    private static readonly TimeSpan Heartbeat = TimeSpan.FromMinutes(5);

    private static readonly string Version = typeof(SyncService).Assembly.GetName().Version?.ToString(3) ?? "";

    private readonly SyncOptions _options = options.Value;
    private SyncQueue? _queue;
    private (long Records, DateTimeOffset? Oldest, long Pictures) _backlog;
    private bool _behind;
    private DateTimeOffset? _lastContact;
    private string? _lastError;
    private DateOnly? _budgetSpentOn;

    /// <summary>Where shipping stands, for the station page; null when it is off.</summary>
    public ShippingStatus? Status => _options.Enabled && _queue is not null
        ? new ShippingStatus(_backlog.Records, _backlog.Oldest, _backlog.Pictures, _lastContact, _lastError)
        : null;

    /// <inheritdoc />
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // Before the sources start: every record committed from now on is queued by the triggers.
        _queue = new SyncQueue(records.Path, database.Value.LockTimeout);
        if (!_options.Enabled)
        {
            _queue.Uninstall();
            return Task.CompletedTask;
        }

        var queued = _queue.Install(_options.Pictures != PictureShipping.None);
        if (queued > 0)
        {
            LogBackfilled(queued);
        }

        Measure();
        Prometheus.Metrics.DefaultRegistry.AddBeforeCollectCallback(() =>
        {
            var (records, oldest, pictures) = _backlog;
            AgentMetrics.SyncBacklog.Set(records);
            AgentMetrics.SyncBacklogAge.Set(oldest is { } at ? Math.Max(0, (time.GetUtcNow() - at).TotalSeconds) : 0);
            AgentMetrics.SyncPicturesWaiting.Set(pictures);
        });
        health.AddWarning(Behind);
        return base.StartAsync(cancellationToken);
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var queue = _queue!;
        await using var central = new CentralStore(CentralDatabase.Open(_options.Database, _options.Password, _options.AllowUnencrypted));
        var failures = 0;
        var siteShipped = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            var full = false;
            try
            {
                if (!siteShipped)
                {
                    await central.ShipSiteAsync(Contact(_backlog), zones.Zones, geofencing.Value.Cameras, stoppingToken).ConfigureAwait(false);
                    siteShipped = true;
                    _lastContact = time.GetUtcNow();
                }

                full = await ShipRecordsAsync(queue, central, stoppingToken).ConfigureAwait(false) == _options.BatchSize;
                await ShipPicturesAsync(queue, central, stoppingToken).ConfigureAwait(false);
                if (failures > 0)
                {
                    LogReconnected(failures);
                }

                failures = 0;
                _lastError = null;
                Measure();
                if (!full)
                {
                    await Task.Delay(_options.Interval, time, stoppingToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or IOException or System.Net.Sockets.SocketException or Microsoft.Data.Sqlite.SqliteException
                or InvalidOperationException)
            {
                failures++;
                Measure();
                var delay = RetryPolicy.DelayAfter(failures, _options.InitialRetryDelay, _options.MaxRetryDelay, Random.Shared);
                var hint = e is PostgresException { SqlState: PostgresErrorCodes.UndefinedTable } ? " (run edge-agent sync --init against the central database)" : "";
                _lastError = e.Message + hint;
                LogFailed(_backlog.Records, _lastError, delay.TotalSeconds);
                try
                {
                    await Task.Delay(delay, time, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }

        // What the stop itself recorded (the sources' "stopped") goes in a last shipment, given a
        // moment, when the server answered last time; else it waits for the next start.
        if (failures == 0 && siteShipped)
        {
            using var moment = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            try
            {
                await ShipRecordsAsync(queue, central, moment.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or NpgsqlException or TimeoutException or IOException or System.Net.Sockets.SocketException)
            {
                LogLastShipmentFailed(e.Message);
            }
        }
    }

    /// <summary>Ships the oldest queued records (or, when none wait and the server has not heard from the agent for a while, only its row); returns how many queue entries went.</summary>
    private async Task<int> ShipRecordsAsync(SyncQueue queue, CentralStore central, CancellationToken cancellationToken)
    {
        var taken = queue.Peek(_options.BatchSize);
        if (taken.Count == 0 && time.GetUtcNow() - _lastContact <= Heartbeat)
        {
            return 0;
        }

        var shipment = SyncedTables.All
            .Select(t => (Table: t, Rows: taken.Where(r => r.Kind == t.Kind).Select(r => r.Row).ToList()))
            .Where(s => s.Rows.Count > 0)
            .Select(s => (s.Table, queue.Read(s.Table, s.Rows)))
            .ToList();

        // The server hears what will still wait once this shipment is in.
        var after = taken.Count > 0 ? queue.Backlog(after: taken[^1].Seq) : _backlog;
        await central.ShipAsync(Contact(after), shipment, cancellationToken).ConfigureAwait(false);
        _lastContact = time.GetUtcNow();
        if (taken.Count > 0)
        {
            queue.Acknowledge(taken[^1].Seq);
            LogShipped(taken.Count, shipment.Sum(s => s.Item2.Count));
        }

        return taken.Count;
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        _queue?.Dispose();
        base.Dispose();
    }

    private async Task ShipPicturesAsync(SyncQueue queue, CentralStore central, CancellationToken stoppingToken)
    {
        foreach (var waiting in queue.WaitingPictures(16))
        {
            var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
            var jpeg = queue.Picture(waiting.AlertId);
            var sent = jpeg is null ? null : _options.Pictures == PictureShipping.Thumbnails ? Thumbnails.Shrink(jpeg, _options.ThumbnailWidth, 70) : jpeg;
            if (sent is not null && queue.PictureBytesOn(today) + sent.Length > _options.DailyPictureBytes)
            {
                // Left behind: it goes tomorrow, within tomorrow's budget, oldest first. Said once a day.
                if (_budgetSpentOn != today)
                {
                    _budgetSpentOn = today;
                    LogBudgetSpent(_options.DailyPictureMegabytes);
                }

                return;
            }

            if (sent is not null)
            {
                await central.ShipPictureAsync(_options.Agent, waiting.AlertId, _options.Pictures.ToString().ToLowerInvariant(), sent, stoppingToken).ConfigureAwait(false);
                _lastContact = time.GetUtcNow();
            }

            queue.PictureShipped(waiting.AlertId, today, sent?.Length ?? 0);
        }
    }

    /// <summary>The agent's row as the server keeps it, with what still waits (<paramref name="backlog"/>).</summary>
    private AgentContact Contact((long Records, DateTimeOffset? Oldest, long Pictures) backlog) =>
        new(_options.Agent, _options.Site, Version, backlog.Records, backlog.Oldest, backlog.Pictures);

    private void Measure()
    {
        try
        {
            _backlog = _queue!.Backlog();
        }
        catch (Microsoft.Data.Sqlite.SqliteException)
        {
            // Keeps the last figures; the next round measures again.
        }

        var behind = _backlog.Records > _options.BacklogLimit || _backlog.Oldest is { } at && time.GetUtcNow() - at > _options.BacklogMaxAge;
        var crossed = behind && !_behind;
        _behind = behind;
        if (crossed)
        {
            LogBehind(Behind()!);
        }
    }

    private string? Behind()
    {
        var (records, oldest, _) = _backlog;
        return _behind
            ? $"{records} records wait to reach the central database, the oldest since {oldest:u}: past Sync:BacklogLimit {_options.BacklogLimit} or Sync:BacklogMaxAge {_options.BacklogMaxAge}"
            : null;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Sync: {Count} records already in the database queued for the central database")]
    private partial void LogBackfilled(long count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sync: the central database answers again after {Failures} failed tries")]
    private partial void LogReconnected(int failures);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sync: shipment failed ({Backlog} records wait): {Error}; next try in {Seconds:F0} s")]
    private partial void LogFailed(long backlog, string error, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sync: the last shipment before stopping did not go ({Error}); what waits goes at the next start")]
    private partial void LogLastShipmentFailed(string error);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Sync: {Entries} queue entries shipped ({Rows} rows)")]
    private partial void LogShipped(int entries, int rows);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sync: today's picture budget (Sync:DailyPictureMegabytes {Megabytes}) is spent; the alert pictures left wait for tomorrow (edge-agent sync --left-behind lists them)")]
    private partial void LogBudgetSpent(double megabytes);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sync: {Backlog}")]
    private partial void LogBehind(string backlog);
}
