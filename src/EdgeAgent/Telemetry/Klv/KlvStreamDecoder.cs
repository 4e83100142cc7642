namespace EdgeAgent.Telemetry.Klv;

/// <summary>
/// MISB ST 0601 (or EG 0104) packets of a live stream, as ffmpeg hands the stream's KLV data on: a
/// byte stream cut into datagrams anywhere, so a packet cut short waits for the rest.
/// </summary>
public sealed class KlvStreamDecoder : ILiveTelemetryDecoder
{
    // A packet is a few hundred bytes; more than this waiting is not KLV.
    private const int MaxPending = 64 * 1024;

    private byte[] _pending = [];
    private PoseSample? _latest;

    /// <summary>Packets whose checksum did not match: counted and skipped, never trusted.</summary>
    public int ChecksumFailures { get; private set; }

    /// <inheritdoc />
    public bool Read(ReadOnlySpan<byte> datagram)
    {
        byte[] data = [.. _pending, .. datagram];
        var changed = false;
        var offset = 0;
        while (KlvPacket.TryFindPacket(data, ref offset, out var packet))
        {
            var bytes = data.AsSpan(packet.Start, packet.End - packet.Start);
            if ((Misb0601.Decode(bytes, out var rejection) ?? Eg0104.Decode(bytes)) is { } sample)
            {
                _latest = sample;
                changed = true;
            }
            else if (rejection == KlvRejection.BadChecksum)
            {
                ChecksumFailures++;
            }

            offset = packet.End;
        }

        _pending = data.Length - offset is var left and > 0 and <= MaxPending ? data[offset..] : [];
        return changed;
    }

    /// <inheritdoc />
    public PoseSample? Latest(DateTimeOffset now) => _latest is null ? null : _latest with { Time = now };
}
