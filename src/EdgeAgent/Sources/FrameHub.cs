namespace EdgeAgent.Sources;

using System.Threading.Channels;

/// <summary>
/// The hand-off from every source to the detector. Video keeps only its newest frame per stream (a
/// new one replaces the one waiting, and the drop is counted), so latency stays flat when detection
/// is slower than the cameras; camera-trap files wait in a short queue that blocks the folder reader,
/// so no file is ever dropped. Each frame taken gets the next sequence number of its source.
/// </summary>
public sealed class FrameHub(int fileCapacity = 4)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Frame> _latest = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _sequences = new(StringComparer.Ordinal);
    private readonly Queue<string> _waiting = new();
    private readonly Channel<Frame> _files = Channel.CreateBounded<Frame>(new BoundedChannelOptions(Math.Max(1, fileCapacity)) { FullMode = BoundedChannelFullMode.Wait });
    private readonly SemaphoreSlim _available = new(0);
    private bool _videoFirst = true;

    /// <summary>Raised when a waiting video frame is replaced by a newer one, with the stream's id.</summary>
    public event Action<string>? FrameDropped;

    /// <summary>Offers a video frame; it replaces the stream's frame still waiting, if any.</summary>
    public void OfferVideo(Frame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        Frame? replaced;
        lock (_lock)
        {
            _latest.Remove(frame.SourceId, out replaced);
            _latest[frame.SourceId] = frame;
            if (replaced is null)
            {
                _waiting.Enqueue(frame.SourceId);
            }
        }

        if (replaced is null)
        {
            _available.Release();
        }
        else
        {
            replaced.Complete();
            replaced.Dispose();
            FrameDropped?.Invoke(frame.SourceId);
        }
    }

    /// <summary>Queues a camera-trap file's frame, waiting while the queue is full.</summary>
    public async ValueTask EnqueueFileAsync(Frame frame, CancellationToken cancellationToken)
    {
        await _files.Writer.WriteAsync(frame, cancellationToken).ConfigureAwait(false);
        _available.Release();
    }

    /// <summary>The next frame, alternating between video and files so neither starves the other; blocks until there is one.</summary>
    public Frame Take(CancellationToken cancellationToken)
    {
        _available.Wait(cancellationToken);
        lock (_lock)
        {
            var frame = Next();
            _sequences[frame.SourceId] = frame.Sequence = _sequences.GetValueOrDefault(frame.SourceId) + 1;
            return frame;
        }
    }

    private Frame Next()
    {
        _videoFirst = !_videoFirst;
        if ((_videoFirst || !_files.Reader.TryPeek(out _)) && _waiting.TryDequeue(out var source))
        {
            _latest.Remove(source, out var frame);
            return frame!;
        }

        if (_files.Reader.TryRead(out var file))
        {
            return file;
        }

        _waiting.TryDequeue(out source);
        _latest.Remove(source!, out var video);
        return video!;
    }
}
