namespace EdgeAgent.Hosting;

using System.Collections.Concurrent;

/// <summary>Where a source stands.</summary>
public enum SourceState
{
    /// <summary>Opening for the first time.</summary>
    Starting,

    /// <summary>Delivering frames or watching its folder.</summary>
    Up,

    /// <summary>Lost; waiting to reconnect. Counts as healthy: the agent is doing what it should.</summary>
    Backoff,

    /// <summary>Cannot work until someone acts (its folder is gone, its scan keeps failing): unhealthy.</summary>
    Failed,

    /// <summary>A recorded file read to its end: nothing more comes, and nothing is wrong.</summary>
    Ended,
}

/// <summary>
/// What the watchdog and <c>/healthz</c> look at: each source's state and when it last delivered,
/// and when the detector last answered.
/// </summary>
public sealed class AgentHealth(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, (SourceState State, DateTimeOffset Since, string Detail)> _sources = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (string Error, DateTimeOffset At)> _lastErrors = new(StringComparer.Ordinal);
    private readonly List<Func<string?>> _checks = [];
    private readonly List<Func<string?>> _warnings = [];
    private long _lastDetectionTicks;
    private long _oldestWaitingTicks;

    /// <summary>Frames that wait longer than this for the detector mean it is stuck.</summary>
    public TimeSpan DetectorPatience { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Sets a source's state.</summary>
    public void Report(string sourceId, SourceState state, string detail = "")
    {
        var changed = true;
        _sources.AddOrUpdate(sourceId, (state, time.GetUtcNow(), detail), (_, old) =>
        {
            changed = old.State != state;
            return changed ? (state, time.GetUtcNow(), detail) : old with { Detail = detail };
        });
        if (changed)
        {
            StateChanged?.Invoke(sourceId, state, detail, time.GetUtcNow());
        }

        if (state is SourceState.Backoff or SourceState.Failed && detail.Length > 0)
        {
            _lastErrors[sourceId] = (detail, time.GetUtcNow());
        }
    }

    /// <summary>Raised when a source's state changes (not when only its detail does): the record keeps these for the report's downtime.</summary>
    public event Action<string, SourceState, string, DateTimeOffset>? StateChanged;

    /// <summary>Each source's last error and when, kept after it has recovered (for the station page).</summary>
    public IReadOnlyDictionary<string, (string Error, DateTimeOffset At)> LastErrors => _lastErrors;

    /// <summary>The detector finished a frame.</summary>
    public void DetectorAnswered()
    {
        Interlocked.Exchange(ref _lastDetectionTicks, time.GetUtcNow().UtcTicks);
        Interlocked.Exchange(ref _oldestWaitingTicks, 0);
    }

    /// <summary>A frame started waiting for the detector.</summary>
    public void FrameWaiting() => Interlocked.CompareExchange(ref _oldestWaitingTicks, time.GetUtcNow().UtcTicks, 0);

    /// <summary>Why the agent gave up, when a stage cannot go on (its address taken, say); the run then ends with exit code 1.</summary>
    public string? Fatal { get; private set; }

    /// <summary>Records that a stage cannot go on; the caller stops the host.</summary>
    public void GiveUp(string reason) => Fatal ??= reason;

    /// <summary>Adds a check of the agent's surroundings (the outbox, the disk): null when fine, else why not.</summary>
    public void AddCheck(Func<string?> check) => _checks.Add(check);

    /// <summary>
    /// Adds something people should know that a restart cannot mend (records waiting for a link that
    /// is down): shown on <c>/healthz</c>, not counted as unhealthy, so the watchdog does not restart for it.
    /// </summary>
    public void AddWarning(Func<string?> warning) => _warnings.Add(warning);

    /// <summary>The warnings that hold now.</summary>
    public IReadOnlyList<string> Warnings() => _warnings.Select(w => w()).OfType<string>().ToList();

    /// <summary>Every source and its state.</summary>
    public IReadOnlyDictionary<string, (SourceState State, DateTimeOffset Since, string Detail)> Sources => _sources;

    /// <summary>Null when healthy, else why not (every reason, one per line).</summary>
    public string? Problem()
    {
        var problems = new List<string>();
        var now = time.GetUtcNow();
        var stuck = _sources.Where(s => s.Value.State == SourceState.Starting && now - s.Value.Since > TimeSpan.FromMinutes(5)).Select(s => s.Key).ToList();
        if (stuck.Count > 0)
        {
            problems.Add($"sources never started: {string.Join(", ", stuck)}");
        }

        problems.AddRange(_sources.Where(s => s.Value.State == SourceState.Failed).OrderBy(s => s.Key, StringComparer.Ordinal)
            .Select(s => $"source {s.Key} failed: {s.Value.Detail}"));
        var waiting = Interlocked.Read(ref _oldestWaitingTicks);
        if (waiting != 0 && now.UtcTicks - waiting > DetectorPatience.Ticks)
        {
            problems.Add($"the detector has not answered for {DetectorPatience.TotalSeconds:F0} s");
        }

        problems.AddRange(_checks.Select(check => check()).OfType<string>());
        return problems.Count == 0 ? null : string.Join("; ", problems);
    }
}
