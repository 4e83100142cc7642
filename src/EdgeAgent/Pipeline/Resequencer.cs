namespace EdgeAgent.Pipeline;

using System.Threading.Channels;

/// <summary>
/// Puts detected frames back into their source's order. Several detector workers finish frames in
/// whatever order inference takes; tracking needs a stream's frames in time order, and a camera's
/// alerts must leave in capture order. Frames carry their source's sequence number from the hub.
/// <see cref="Slots"/> bounds the frames between the hub and the consumer of <see cref="Output"/>.
/// </summary>
public sealed class Resequencer(int capacity)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, (long Next, SortedList<long, DetectedFrame> Waiting)> _sources = new(StringComparer.Ordinal);
    private readonly Channel<DetectedFrame> _output = Channel.CreateUnbounded<DetectedFrame>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>Taken by a detector worker before it takes a frame; given back by the consumer for each frame read.</summary>
    public SemaphoreSlim Slots { get; } = new(Math.Max(1, capacity));

    /// <summary>Frames in their source's order.</summary>
    public ChannelReader<DetectedFrame> Output => _output.Reader;

    /// <summary>Takes a frame; it and any frames it was holding back leave now if it is the next of its source.</summary>
    public void Add(DetectedFrame detected)
    {
        ArgumentNullException.ThrowIfNull(detected);
        lock (_lock)
        {
            var source = detected.Frame.SourceId;
            var (next, waiting) = _sources.TryGetValue(source, out var state) ? state : (1, new SortedList<long, DetectedFrame>());
            waiting.Add(detected.Frame.Sequence, detected);
            while (waiting.Count > 0 && waiting.Keys[0] <= next)
            {
                _output.Writer.TryWrite(waiting.Values[0]);
                next = waiting.Keys[0] + 1;
                waiting.RemoveAt(0);
            }

            _sources[source] = (next, waiting);
        }
    }

    /// <summary>No more frames will come.</summary>
    public void Complete() => _output.Writer.TryComplete();
}
