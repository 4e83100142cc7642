namespace EdgeAgent.Recording;

using System.Threading.Channels;
using EdgeAgent.Hosting;

/// <summary>
/// Keeps each source's changes of state in the record (<c>source_states</c>), and that every source
/// stopped when the agent stops, so that a report can tell how long a camera was down. The sources
/// report on their own threads; the rows are written here, off them, so that a slow commit never
/// holds a source up.
/// </summary>
public sealed partial class SourceStateRecorder(AgentHealth health, RecordDatabase records, TimeProvider time, ILogger<SourceStateRecorder> logger) : BackgroundService
{
    private readonly Channel<(string Source, string State, string Detail, DateTimeOffset At)> _changes =
        Channel.CreateBounded<(string, string, string, DateTimeOffset)>(new BoundedChannelOptions(1000) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

    /// <inheritdoc />
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        health.StateChanged += Changed;
        return base.StartAsync(cancellationToken);
    }

    /// <inheritdoc />
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        health.StateChanged -= Changed;
        foreach (var source in health.Sources.Keys)
        {
            _changes.Writer.TryWrite((source, "stopped", "the agent stopped", time.GetUtcNow()));
        }

        _changes.Writer.TryComplete();
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Until the writer completes at stop, so that the "stopped" rows are written too.
        await foreach (var (source, state, detail, at) in _changes.Reader.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
        {
            try
            {
                records.RecordSourceState(source, state, detail, at);
            }
            catch (Exception e) when (e is Microsoft.Data.Sqlite.SqliteException or IOException)
            {
                LogNotRecorded(source, state, e.Message);
            }
        }
    }

    private void Changed(string source, SourceState state, string detail, DateTimeOffset at) =>
        _changes.Writer.TryWrite((source, state switch { SourceState.Backoff => "reconnecting", _ => state.ToString().ToLowerInvariant() }, detail, at));

    [LoggerMessage(Level = LogLevel.Warning, Message = "Source {Source} became {State}, but the record could not keep it: {Error}")]
    private partial void LogNotRecorded(string source, string state, string error);
}
