namespace EdgeAgent.Telemetry.Mavlink;

using System.Net;
using System.Net.Sockets;
using EdgeAgent.Alerting.Observations;

/// <summary>
/// Listens for an aircraft's MAVLink 2 telemetry on a UDP port while its video stream is read, and
/// gives each frame the latest pose — none once it is older than <see cref="StreamTelemetryOptions.MaxAge"/>.
/// </summary>
public sealed class MavlinkListener : IDisposable
{
    private readonly UdpClient _socket;
    private readonly MavlinkDecoder _decoder = new();
    private readonly StreamTelemetryOptions _options;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _receiving;
    private readonly Lock _lock = new();
    private DateTimeOffset _lastUpdate;

    /// <summary>Binds the port and starts listening.</summary>
    public MavlinkListener(IPEndPoint listen, StreamTelemetryOptions options, TimeProvider time)
    {
        _options = options;
        _time = time;
        _socket = new UdpClient(listen);
        _receiving = Task.Run(ReceiveAsync);
    }

    /// <summary>Frames that failed their CRC.</summary>
    public int CrcFailures
    {
        get
        {
            lock (_lock)
            {
                return _decoder.CrcFailures;
            }
        }
    }

    /// <summary>The pose now: the latest sample while it is fresh.</summary>
    public CameraPose? PoseNow()
    {
        PoseSample? sample;
        lock (_lock)
        {
            var now = _time.GetUtcNow();
            sample = now - _lastUpdate <= _options.MaxAge ? _decoder.Latest(_lastUpdate) : null;
        }

        return sample is null ? null : TelemetryPose.ToCameraPose(sample.HorizontalFieldOfView is null ? sample with { HorizontalFieldOfView = _options.HorizontalFieldOfView } : sample);
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

            lock (_lock)
            {
                if (_decoder.Read(datagram.Buffer))
                {
                    _lastUpdate = _time.GetUtcNow();
                }
            }
        }
    }
}
