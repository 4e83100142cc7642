namespace EdgeAgent.Telemetry;

using System.Net;
using System.Net.Sockets;
using EdgeAgent.Common.Observations;

/// <summary>A decoder of telemetry that arrives in datagrams and folds it into the latest pose.</summary>
public interface ILiveTelemetryDecoder
{
    /// <summary>Reads a datagram; true when it changed the pose.</summary>
    bool Read(ReadOnlySpan<byte> datagram);

    /// <summary>The latest pose, stamped <paramref name="now"/>, or null until a position has come.</summary>
    PoseSample? Latest(DateTimeOffset now);

    /// <summary>Frames refused so far (a failed checksum or signature): never trusted, counted.</summary>
    int Rejected => 0;
}

/// <summary>
/// Listens for an aircraft's telemetry on a UDP port while its video stream is read, and gives each
/// frame the latest pose — none once it is older than <see cref="StreamTelemetryOptions.MaxAge"/>.
/// MAVLink comes straight from the aircraft; KLV comes from the ffmpeg process that reads the video.
/// </summary>
public sealed class LiveTelemetryListener : IDisposable
{
    private readonly UdpClient _socket;
    private readonly ILiveTelemetryDecoder _decoder;
    private readonly StreamTelemetryOptions _options;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _lock = new();
    private readonly Action<int>? _onRejected;
    private DateTimeOffset _lastUpdate;
    private PoseSample? _lastGood;

    /// <summary>Binds the address (port 0: any free one, see <see cref="Port"/>) and starts listening.</summary>
    /// <param name="listen">Where to listen.</param>
    /// <param name="decoder">What reads the datagrams.</param>
    /// <param name="options">The stream's telemetry settings.</param>
    /// <param name="time">The clock that ages the pose.</param>
    /// <param name="onRejected">Told how many more frames were refused (a failed checksum or signature, a pose no aircraft reports), after each datagram that had any.</param>
    public LiveTelemetryListener(IPEndPoint listen, ILiveTelemetryDecoder decoder, StreamTelemetryOptions options, TimeProvider time, Action<int>? onRejected = null)
    {
        _decoder = decoder;
        _onRejected = onRejected;
        _options = options;
        _time = time;
        _socket = new UdpClient(listen);
        Port = ((IPEndPoint)_socket.Client.LocalEndPoint!).Port;
        _ = Task.Run(ReceiveAsync);
    }

    /// <summary>The port listened on.</summary>
    public int Port { get; }

    /// <summary>The pose now: the latest sample while it is fresh.</summary>
    public CameraPose? PoseNow()
    {
        PoseSample? sample;
        lock (_lock)
        {
            var now = _time.GetUtcNow();
            sample = now - _lastUpdate <= _options.MaxAge ? _lastGood : null;
        }

        return sample is null ? null : TelemetryPose.ToCameraPose(_options.Complete(sample));
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _stop.Cancel();
        _socket.Dispose();
        _stop.Dispose();
    }

    private async Task ReceiveAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            UdpReceiveResult datagram;
            try
            {
                datagram = await _socket.ReceiveAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException)
            {
                // An ICMP "port unreachable" echo and the like: the next datagram will do.
                continue;
            }

            int refused;
            lock (_lock)
            {
                var before = _decoder.Rejected;
                var now = _time.GetUtcNow();
                var changed = _decoder.Read(datagram.Buffer);

                // A pose with a value no aircraft reports is refused, and the last plausible one ages on.
                var latest = changed ? _decoder.Latest(now) : null;
                var plausible = changed && latest?.Implausible() is null;
                if (plausible)
                {
                    _lastGood = latest;
                    _lastUpdate = now;
                }

                refused = _decoder.Rejected - before + (changed && !plausible ? 1 : 0);
            }

            if (refused > 0)
            {
                _onRejected?.Invoke(refused);
            }
        }
    }
}
