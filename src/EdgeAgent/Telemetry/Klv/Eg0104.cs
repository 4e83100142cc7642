namespace EdgeAgent.Telemetry.Klv;

using System.Buffers.Binary;
using EdgeAgent.Common.Observations;

/// <summary>
/// MISB EG 0104 (the older Predator universal set, still in archived footage): items keyed by
/// 16-byte universal labels with IEEE floats. The sensor's pointing is earth-referenced: its angle to
/// north and its obliquity (depression below the horizon, negative).
/// </summary>
public static class Eg0104
{
    /// <summary>The universal key of an EG 0104 set.</summary>
    public static ReadOnlySpan<byte> Key => [0x06, 0x0E, 0x2B, 0x34, 0x02, 0x01, 0x01, 0x01, 0x0E, 0x01, 0x01, 0x02, 0x01, 0x01, 0x00, 0x00];

    /// <summary>Decodes one packet; null when it is not an EG 0104 set, is cut short, or has no time or position.</summary>
    public static PoseSample? Decode(ReadOnlySpan<byte> packet)
    {
        if (packet.Length < 17 || !packet[..16].SequenceEqual(Key))
        {
            return null;
        }

        var offset = 16;
        if (!KlvPacket.TryReadLength(packet, ref offset, out var length) || offset + length > packet.Length)
        {
            return null;
        }

        var end = offset + length;
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        long? time = null;
        while (offset + 17 <= end)
        {
            var key = Convert.ToHexStringLower(packet.Slice(offset + 8, 8));
            offset += 16;
            if (!KlvPacket.TryReadLength(packet, ref offset, out var size) || offset + size > end)
            {
                return null;
            }

            var value = packet.Slice(offset, size);
            offset += size;
            if (key == "0702010101050000" && size == 8)
            {
                time = (long)BinaryPrimitives.ReadUInt64BigEndian(value);
            }
            else if (size == 8)
            {
                values[key] = BinaryPrimitives.ReadDoubleBigEndian(value);
            }
            else if (size == 4)
            {
                values[key] = BinaryPrimitives.ReadSingleBigEndian(value);
            }
        }

        double? Get(string key) => values.TryGetValue(key, out var v) ? v : null;
        if (time is not { } microseconds)
        {
            return null;
        }

        return new PoseSample
        {
            Time = DateTimeOffset.UnixEpoch.AddTicks(microseconds * 10),
            Position = GeoPosition.Of(Get("0701020102040200"), Get("0701020102060200")),
            Altitude = Get("0701020102020000"),

            // The set gives no ground elevation: the height is the altitude over ground at sea level.
            HeightAboveGround = Get("0701020102020000"),
            Platform = new(Get("0701100106000000"), Get("0701100105000000"), Get("0701100104000000")),
            Sensor = new(Get("0701100102000000"), Get("0701100103000000"), Roll: 0),
            GimbalIsEarthReferenced = true,
            HorizontalFieldOfView = Get("0420020101080000"),
            VerticalFieldOfView = Get("04200201010a0100"),
            SlantRange = Get("0701080101000000"),
            ReportedFrameCenter = GeoPosition.Of(Get("0701020103020000"), Get("0701020103040000")),
        };
    }
}
