namespace EdgeAgent.Telemetry.Klv;

/// <summary>What was read from a KLV source.</summary>
/// <param name="Samples">MISB ST 0601 (and EG 0104) samples, in stream order, each with its PES presentation time when it had one.</param>
/// <param name="ChecksumFailures">Packets whose checksum did not match: counted and skipped, never trusted.</param>
/// <param name="Malformed">Packets that ended early or had no checksum.</param>
/// <param name="OtherSets">KLV packets of other standards (security, universal sets): skipped.</param>
public sealed record KlvReading(IReadOnlyList<(PoseSample Sample, long? Pts)> Samples, int ChecksumFailures, int Malformed, int OtherSets);

/// <summary>Reads MISB ST 0601 (or the older EG 0104) telemetry from an MPEG-TS file (both carriages) or a raw KLV file.</summary>
public static class KlvTelemetry
{
    /// <summary>Reads a whole file: a transport stream when it looks like one (sync bytes every 188), else raw KLV.</summary>
    public static KlvReading ReadFile(string path)
    {
        using var file = File.OpenRead(path);
        var head = new byte[377];
        var read = file.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        file.Position = 0;
        if (read == head.Length && head[0] == 0x47 && head[188] == 0x47 && head[376] == 0x47)
        {
            return Decode(TransportStreamKlv.Read(file).Select(u => (u.Data, u.Pts)));
        }

        using var memory = new MemoryStream();
        file.CopyTo(memory);
        return Decode([(memory.ToArray(), null)]);
    }

    /// <summary>Decodes the ST 0601 packets in each buffer.</summary>
    public static KlvReading Decode(IEnumerable<(byte[] Data, long? Pts)> units)
    {
        ArgumentNullException.ThrowIfNull(units);
        var samples = new List<(PoseSample, long?)>();
        int checksum = 0, malformed = 0, other = 0;
        foreach (var (data, pts) in units)
        {
            foreach (var (start, _, end) in KlvPacket.Split(data))
            {
                var packet = data.AsSpan(start, end - start);
                var sample = Misb0601.Decode(packet, out var rejection) ?? Eg0104.Decode(packet);
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

        return new KlvReading(samples, checksum, malformed, other);
    }
}
