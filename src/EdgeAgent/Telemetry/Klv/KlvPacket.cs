namespace EdgeAgent.Telemetry.Klv;

/// <summary>
/// SMPTE 336 key-length-value coding: 16-byte universal keys, BER lengths, and local sets of
/// tag-length-value items (tags BER-OID coded).
/// </summary>
public static class KlvPacket
{
    /// <summary>The universal key of a MISB ST 0601 UAS Datalink Local Set.</summary>
    public static ReadOnlySpan<byte> Misb0601Key => [0x06, 0x0E, 0x2B, 0x34, 0x02, 0x0B, 0x01, 0x01, 0x0E, 0x01, 0x03, 0x01, 0x01, 0x00, 0x00, 0x00];

    /// <summary>Reads a BER length at <paramref name="offset"/>; false when the bytes end first or it is too long to be true.</summary>
    public static bool TryReadLength(ReadOnlySpan<byte> data, ref int offset, out int length)
    {
        length = 0;
        if (offset >= data.Length)
        {
            return false;
        }

        var first = data[offset++];
        if (first < 0x80)
        {
            length = first;
            return true;
        }

        var count = first & 0x7F;
        if (count is 0 or > 4 || offset + count > data.Length)
        {
            return false;
        }

        long value = 0;
        for (var i = 0; i < count; i++)
        {
            value = (value << 8) | data[offset++];
        }

        if (value > int.MaxValue)
        {
            return false;
        }

        length = (int)value;
        return true;
    }

    /// <summary>Reads a BER-OID tag (7 bits a byte, high bit set on all but the last).</summary>
    public static bool TryReadTag(ReadOnlySpan<byte> data, ref int offset, out int tag)
    {
        tag = 0;
        for (var i = 0; i < 4 && offset < data.Length; i++)
        {
            var b = data[offset++];
            tag = (tag << 7) | (b & 0x7F);
            if (b < 0x80)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Splits a buffer into whole KLV packets (the offsets of the key, of the value and of the end);
    /// bytes that do not start a packet are skipped, a packet cut short ends the split.
    /// </summary>
    public static IEnumerable<(int Start, int ValueStart, int End)> Split(byte[] data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var offset = 0;
        while (TryFindPacket(data, ref offset, out var packet))
        {
            yield return packet;
            offset = packet.End;
        }
    }

    /// <summary>
    /// Finds the next whole packet at or after <paramref name="offset"/>, which is left at its key (or,
    /// when none is whole, at the start of the one cut short, or past the bytes that start none).
    /// </summary>
    public static bool TryFindPacket(ReadOnlySpan<byte> data, ref int offset, out (int Start, int ValueStart, int End) packet)
    {
        packet = default;
        while (offset + 17 <= data.Length)
        {
            // Every SMPTE universal label starts with 06 0E 2B 34.
            if (data[offset] != 0x06 || data[offset + 1] != 0x0E || data[offset + 2] != 0x2B || data[offset + 3] != 0x34)
            {
                offset++;
                continue;
            }

            var at = offset + 16;
            if (!TryReadLength(data, ref at, out var length) || at + length > data.Length)
            {
                return false;
            }

            packet = (offset, at, at + length);
            return true;
        }

        return false;
    }
}
