namespace EdgeAgent.Telemetry.Klv;

/// <summary>The KLV bytes of one PES packet of an MPEG-TS metadata stream, with its presentation time when it has one.</summary>
/// <param name="Pid">The stream's packet id.</param>
/// <param name="Pts">Presentation time stamp, 90 kHz, when the PES header carries one (synchronous carriage).</param>
/// <param name="Data">The KLV bytes (for synchronous carriage, the access-unit cells' contents, without their headers).</param>
public sealed record KlvUnit(int Pid, long? Pts, byte[] Data);

/// <summary>
/// Finds KLV metadata in an MPEG transport stream (ISO 13818-1, MISB ST 1402): the program map says
/// which streams carry it — stream_type 0x06 with a <c>KLVA</c> registration descriptor
/// (asynchronous carriage) or stream_type 0x15 (synchronous carriage, whose PES payload is a row of
/// access-unit cells, each behind a 5-byte header) — and their PES packets are put back together.
/// </summary>
public static class TransportStreamKlv
{
    private const int PacketSize = 188;

    /// <summary>Every KLV unit in the stream, in stream order. Damaged packets are skipped.</summary>
    public static IEnumerable<KlvUnit> Read(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var programMaps = new HashSet<int>();
        var klvStreams = new Dictionary<int, bool>(); // PID → synchronous carriage
        var assembling = new Dictionary<int, List<byte>>();
        var packet = new byte[PacketSize];
        while (ReadPacket(stream, packet))
        {
            var pid = ((packet[1] & 0x1F) << 8) | packet[2];
            var unitStart = (packet[1] & 0x40) != 0;
            var adaptation = (packet[3] >> 4) & 0x3;
            var payload = 4;
            if (adaptation is 2 or 3)
            {
                payload += 1 + packet[4];
            }

            if (adaptation is 0 or 2 || payload >= PacketSize)
            {
                continue;
            }

            if (pid == 0 && unitStart)
            {
                ReadProgramAssociation(packet.AsSpan(payload), programMaps);
            }
            else if (programMaps.Contains(pid) && unitStart)
            {
                ReadProgramMap(packet.AsSpan(payload), klvStreams);
            }
            else if (klvStreams.TryGetValue(pid, out var synchronous))
            {
                if (unitStart)
                {
                    if (assembling.Remove(pid, out var done) && Unit(pid, done, synchronous) is { } unit)
                    {
                        yield return unit;
                    }

                    assembling[pid] = [];
                }

                assembling.GetValueOrDefault(pid)?.AddRange(packet.AsSpan(payload));
            }
        }

        foreach (var (pid, rest) in assembling)
        {
            if (Unit(pid, rest, klvStreams[pid]) is { } unit)
            {
                yield return unit;
            }
        }
    }

    private static bool ReadPacket(Stream stream, byte[] packet)
    {
        while (true)
        {
            if (stream.ReadAtLeast(packet, PacketSize, throwOnEndOfStream: false) < PacketSize)
            {
                return false;
            }

            if (packet[0] == 0x47)
            {
                return true;
            }

            // Lost sync: find the next sync byte and read a whole packet from there.
            var next = Array.IndexOf(packet, (byte)0x47, 1);
            if (next < 0)
            {
                continue;
            }

            var kept = PacketSize - next;
            Array.Copy(packet, next, packet, 0, kept);
            if (stream.ReadAtLeast(packet.AsSpan(kept), PacketSize - kept, throwOnEndOfStream: false) < PacketSize - kept)
            {
                return false;
            }

            if (packet[0] == 0x47)
            {
                return true;
            }
        }
    }

    /// <summary>A PSI section's body (after the pointer field and the 3-byte header), without its CRC.</summary>
    private static ReadOnlySpan<byte> Section(ReadOnlySpan<byte> data)
    {
        if (data.Length < 1 || 1 + data[0] + 3 > data.Length)
        {
            return [];
        }

        var start = 1 + data[0];
        var length = ((data[start + 1] & 0x0F) << 8) | data[start + 2];
        var end = Math.Min(start + 3 + length, data.Length);
        return end - 4 > start + 3 ? data[(start + 3)..(end - 4)] : [];
    }

    private static void ReadProgramAssociation(ReadOnlySpan<byte> data, HashSet<int> programMaps)
    {
        var body = Section(data);
        for (var i = 5; i + 4 <= body.Length; i += 4)
        {
            var program = (body[i] << 8) | body[i + 1];
            if (program != 0)
            {
                programMaps.Add(((body[i + 2] & 0x1F) << 8) | body[i + 3]);
            }
        }
    }

    private static void ReadProgramMap(ReadOnlySpan<byte> data, Dictionary<int, bool> klvStreams)
    {
        var body = Section(data);
        if (body.Length < 9)
        {
            return;
        }

        var at = 9 + (((body[7] & 0x0F) << 8) | body[8]);
        while (at + 5 <= body.Length)
        {
            var type = body[at];
            var pid = ((body[at + 1] & 0x1F) << 8) | body[at + 2];
            var infoLength = ((body[at + 3] & 0x0F) << 8) | body[at + 4];
            var info = body.Slice(at + 5, Math.Min(infoLength, body.Length - at - 5));
            if (type == 0x15 || (type == 0x06 && HasKlvaRegistration(info)))
            {
                klvStreams[pid] = type == 0x15;
            }

            at += 5 + infoLength;
        }
    }

    /// <summary>A registration descriptor (0x05) whose format identifier is <c>KLVA</c>.</summary>
    private static bool HasKlvaRegistration(ReadOnlySpan<byte> descriptors)
    {
        for (var at = 0; at + 2 <= descriptors.Length; at += 2 + descriptors[at + 1])
        {
            if (descriptors[at] == 0x05 && descriptors[at + 1] >= 4 && at + 6 <= descriptors.Length && descriptors.Slice(at + 2, 4).SequenceEqual("KLVA"u8))
            {
                return true;
            }
        }

        return false;
    }

    private static KlvUnit? Unit(int pid, List<byte> pes, bool synchronous)
    {
        var bytes = pes.ToArray();
        if (bytes.Length < 9 || bytes[0] != 0 || bytes[1] != 0 || bytes[2] != 1)
        {
            return null;
        }

        long? pts = null;
        var start = 9 + bytes[8];
        if ((bytes[7] & 0x80) != 0 && bytes.Length >= 14)
        {
            pts = ((long)(bytes[9] & 0x0E) << 29) | ((long)bytes[10] << 22) | ((long)(bytes[11] & 0xFE) << 14) | ((long)bytes[12] << 7) | ((long)bytes[13] >> 1);
        }

        var length = (bytes[4] << 8) | bytes[5];
        var end = length == 0 ? bytes.Length : Math.Min(bytes.Length, 6 + length);
        if (start >= end)
        {
            return null;
        }

        if (!synchronous)
        {
            return new KlvUnit(pid, pts, bytes[start..end]);
        }

        // Synchronous carriage: metadata access-unit cells, each a 5-byte header (service id,
        // sequence number, flags, 16-bit length) and its bytes.
        var klv = new List<byte>();
        for (var at = start; at + 5 <= end;)
        {
            var cell = (bytes[at + 3] << 8) | bytes[at + 4];
            var from = at + 5;
            var to = Math.Min(end, from + cell);
            klv.AddRange(bytes.AsSpan(from, to - from));
            at = to;
        }

        return new KlvUnit(pid, pts, [.. klv]);
    }
}
