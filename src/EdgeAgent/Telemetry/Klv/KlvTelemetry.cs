namespace EdgeAgent.Telemetry.Klv;

/// <summary>What was read from a KLV source.</summary>
/// <param name="Samples">MISB ST 0601 (and EG 0104) samples, in stream order, each with its PES presentation time when it had one.</param>
/// <param name="ChecksumFailures">Packets whose checksum did not match: counted and skipped, never trusted.</param>
/// <param name="Malformed">Packets that ended early or had no checksum.</param>
/// <param name="OtherSets">KLV packets of other standards (security, universal sets): skipped.</param>
/// <param name="Implausible">Packets with a value no aircraft reports (a latitude of 999): refused, not used.</param>
public sealed record KlvReading(IReadOnlyList<(PoseSample Sample, long? Pts)> Samples, int ChecksumFailures, int Malformed, int OtherSets, int Implausible);

/// <summary>Reads MISB ST 0601 (or the older EG 0104) telemetry from an MPEG-TS file (both carriages) or a raw KLV file.</summary>
public static class KlvTelemetry
{
    // An ST 0601 packet is at most a few kilobytes; a key followed by a longer length is not one.
    private const int MaxPacket = 64 * 1024;

    /// <summary>
    /// Reads a whole file as a stream: a transport stream when it looks like one (sync bytes every
    /// 188), else raw KLV. Memory grows with the samples found, not with the file.
    /// </summary>
    public static KlvReading ReadFile(string path)
    {
        using var file = File.OpenRead(path);
        var head = new byte[377];
        var read = file.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        file.Position = 0;
        return read == head.Length && head[0] == 0x47 && head[188] == 0x47 && head[376] == 0x47
            ? Decode(TransportStreamKlv.Read(file).Select(u => (u.Data, u.Pts)))
            : Decode(RawPackets(file).Select(p => (p, (long?)null)));
    }

    /// <summary>The packets of a raw KLV stream, read a megabyte at a time; bytes that start no packet are passed over.</summary>
    private static IEnumerable<byte[]> RawPackets(Stream stream)
    {
        var buffer = new byte[(1 << 20) + MaxPacket];
        var filled = 0;
        var ended = false;
        while (!ended)
        {
            var read = stream.Read(buffer, filled, buffer.Length - filled);
            (filled, ended) = (filled + read, read == 0);
            var offset = 0;
            while (true)
            {
                if (KlvPacket.TryFindPacket(buffer.AsSpan(0, filled), ref offset, out var packet))
                {
                    yield return buffer[packet.Start..packet.End];
                    offset = packet.End;
                }
                else if (ended ? offset + 17 <= filled : filled - offset > MaxPacket)
                {
                    offset++; // A key whose length runs past anything ST 0601 sends, or past the end: not a packet.
                }
                else
                {
                    break;
                }
            }

            Buffer.BlockCopy(buffer, offset, buffer, 0, filled - offset);
            filled -= offset;
        }
    }

    /// <summary>Decodes the ST 0601 packets in each buffer.</summary>
    public static KlvReading Decode(IEnumerable<(byte[] Data, long? Pts)> units)
    {
        ArgumentNullException.ThrowIfNull(units);
        var samples = new List<(PoseSample, long?)>();
        int checksum = 0, malformed = 0, other = 0, implausible = 0;
        foreach (var (data, pts) in units)
        {
            foreach (var (start, _, end) in KlvPacket.Split(data))
            {
                var packet = data.AsSpan(start, end - start);
                var sample = Misb0601.Decode(packet, out var rejection) ?? Eg0104.Decode(packet);
                if (sample?.Implausible() is not null)
                {
                    implausible++;
                    continue;
                }

                if (sample is not null)
                {
                    samples.Add((sample, pts));
                    continue;
                }

                switch (rejection)
                {
                    case KlvRejection.BadChecksum:
                        checksum++;
                        break;
                    case KlvRejection.NotMisb0601:
                        other++;
                        break;
                    default:
                        malformed++;
                        break;
                }
            }
        }

        return new KlvReading(samples, checksum, malformed, other, implausible);
    }
}
