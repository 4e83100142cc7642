namespace EdgeAgent.Telemetry.Klv;

using System.Buffers.Binary;
using EdgeAgent.Common.Observations;

/// <summary>Why a KLV packet was not used.</summary>
public enum KlvRejection
{
    /// <summary>Not a MISB ST 0601 local set (another standard's set): skipped, not an error.</summary>
    NotMisb0601,

    /// <summary>The checksum does not match the bytes: never trusted.</summary>
    BadChecksum,

    /// <summary>No checksum item at the end, or items that run past the packet.</summary>
    Malformed,
}

/// <summary>
/// MISB ST 0601 (UAS Datalink Local Set): the tags that say where the aircraft and its sensor are and
/// look. Values map linearly onto their ranges; the all-ones-bit "error" value of a signed tag is
/// not available. Unknown tags are skipped.
/// </summary>
public static class Misb0601
{
    /// <summary>
    /// Decodes one KLV packet (key, BER length, value); null with the reason when it is not a
    /// ST 0601 set or cannot be trusted.
    /// </summary>
    public static PoseSample? Decode(ReadOnlySpan<byte> packet, out KlvRejection rejection)
    {
        rejection = KlvRejection.Malformed;
        if (packet.Length < 17 || !packet[..16].SequenceEqual(KlvPacket.Misb0601Key))
        {
            rejection = KlvRejection.NotMisb0601;
            return null;
        }

        var offset = 16;
        if (!KlvPacket.TryReadLength(packet, ref offset, out var length) || offset + length > packet.Length || length < 4)
        {
            return null;
        }

        var end = offset + length;

        // The checksum is the last item (tag 1, length 2): a sum of 16-bit words over everything before its value.
        if (packet[end - 4] != 0x01 || packet[end - 3] != 0x02)
        {
            return null;
        }

        if (Checksum(packet[..(end - 2)]) != BinaryPrimitives.ReadUInt16BigEndian(packet[(end - 2)..end]))
        {
            rejection = KlvRejection.BadChecksum;
            return null;
        }

        var values = new Dictionary<int, double?>();
        long? timestamp = null;
        while (offset < end - 4)
        {
            if (!KlvPacket.TryReadTag(packet, ref offset, out var tag) || !KlvPacket.TryReadLength(packet, ref offset, out var size) || offset + size > end)
            {
                return null;
            }

            var value = packet.Slice(offset, size);
            offset += size;
            if (tag == 2 && size == 8)
            {
                timestamp = (long)BinaryPrimitives.ReadUInt64BigEndian(value);
            }
            else if (Mapping(tag) is { } map && size == map.Bytes)
            {
                values[tag] = map.Signed ? Signed(value, map.Range) : Unsigned(value, map.Range, map.Offset);
            }
        }

        if (timestamp is not { } microseconds)
        {
            return null;
        }

        var altitude = values.GetValueOrDefault(15);
        var frameElevation = values.GetValueOrDefault(25);
        rejection = default;
        return new PoseSample
        {
            Time = DateTimeOffset.UnixEpoch.AddTicks(microseconds * 10),
            Position = GeoPosition.Of(values.GetValueOrDefault(13), values.GetValueOrDefault(14)),
            Altitude = altitude ?? values.GetValueOrDefault(75),
            AltitudeReference = altitude is null && values.ContainsKey(75) ? AltitudeReference.Ellipsoid : AltitudeReference.MeanSeaLevel,
            HeightAboveGround = altitude - frameElevation,

            // The full-range pitch and roll (tags 90, 91) win over the short ones (6, 7) where both are sent.
            Platform = new(values.GetValueOrDefault(5), values.GetValueOrDefault(90) ?? values.GetValueOrDefault(6), values.GetValueOrDefault(91) ?? values.GetValueOrDefault(7)),
            Sensor = new(values.GetValueOrDefault(18), values.GetValueOrDefault(19), values.GetValueOrDefault(20)),
            HorizontalFieldOfView = values.GetValueOrDefault(16),
            VerticalFieldOfView = values.GetValueOrDefault(17),
            ReportedFrameCenter = GeoPosition.Of(values.GetValueOrDefault(23), values.GetValueOrDefault(24)),
            FrameCenterElevation = frameElevation,
            SlantRange = values.GetValueOrDefault(21),
        };
    }

    /// <summary>The ST 0601 checksum: bytes added alternately into the high and the low byte of a 16-bit sum.</summary>
    public static ushort Checksum(ReadOnlySpan<byte> bytes)
    {
        var sum = 0;
        for (var i = 0; i < bytes.Length; i++)
        {
            sum += bytes[i] << (i % 2 == 0 ? 8 : 0);
        }

        return (ushort)sum;
    }

    /// <summary>
    /// The bytes, signedness and range of each tag used, tags of one encoding together: value =
    /// stored × range / (2^bits − 1) + offset, signed ones ± range/2.
    /// </summary>
    private static (int Bytes, bool Signed, double Range, double Offset)? Mapping(int tag) => tag switch
    {
        5 => (2, false, 360, 0), // platform heading
        6 => (2, true, 40, 0), // platform pitch, short range
        7 => (2, true, 100, 0), // platform roll, short range
        16 or 17 => (2, false, 180, 0), // fields of view
        15 or 25 or 75 => (2, false, 19900, -900), // altitudes and elevations
        13 or 23 or 90 or 91 => (4, true, 180, 0), // latitudes, full-range pitch and roll
        14 or 19 or 24 => (4, true, 360, 0), // longitudes, sensor elevation
        18 or 20 => (4, false, 360, 0), // sensor azimuth and roll
        21 => (4, false, 5_000_000, 0), // slant range
        _ => null,
    };

    private static double? Unsigned(ReadOnlySpan<byte> value, double range, double offset)
    {
        ulong n = 0;
        foreach (var b in value)
        {
            n = (n << 8) | b;
        }

        var max = (1UL << (8 * value.Length)) - 1;
        return (n * range / max) + offset;
    }

    private static double? Signed(ReadOnlySpan<byte> value, double range)
    {
        long n = value.Length == 2 ? BinaryPrimitives.ReadInt16BigEndian(value) : BinaryPrimitives.ReadInt32BigEndian(value);
        var max = (1L << ((8 * value.Length) - 1)) - 1;

        // The most negative value is reserved: "not available" or "out of range".
        return n == -max - 1 ? null : n * (range / 2) / max;
    }
}
