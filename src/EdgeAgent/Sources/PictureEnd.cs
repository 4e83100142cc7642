namespace EdgeAgent.Sources;

using System.Buffers.Binary;

/// <summary>
/// Where a picture's image data ends, found by walking the file's structure rather than by looking at
/// its last bytes: camera traps append their own data after the image (settings as text, binary
/// blocks), and a file is whole when its image is, whatever follows. A file whose structure runs past
/// its end is an upload still in progress.
/// </summary>
public static class PictureEnd
{
    /// <summary>
    /// The offset just past a JPEG's end-of-image marker (<c>FF D9</c>) that closes its image data, or
    /// -1 when the file ends first. Segments are skipped by their lengths — so the EXIF thumbnail's own
    /// markers are never mistaken for the picture's — and each scan's entropy-coded data is read up to
    /// the next marker (stuffed <c>FF 00</c> and restart markers are part of it), so progressive
    /// pictures with many scans are walked whole.
    /// </summary>
    public static int Jpeg(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < 4 || bytes[0] != 0xFF || bytes[1] != 0xD8)
        {
            return -1;
        }

        var at = 2;
        while (true)
        {
            // A marker: FF (any number of fill FFs) then its code. Stray bytes before it are skipped, as decoders do.
            while (at < bytes.Length && bytes[at] != 0xFF)
            {
                at++;
            }

            while (at < bytes.Length && bytes[at] == 0xFF)
            {
                at++;
            }

            if (at >= bytes.Length)
            {
                return -1;
            }

            var code = bytes[at++];
            if (code == 0xD9)
            {
                return at;
            }

            if (code is 0x01 or (>= 0xD0 and <= 0xD8))
            {
                // Markers without a length: TEM, restart markers, a stray SOI.
                continue;
            }

            if (at + 2 > bytes.Length)
            {
                return -1;
            }

            var length = BinaryPrimitives.ReadUInt16BigEndian(bytes[at..]);
            if (length < 2)
            {
                // Not a segment length: let the decoder judge what this is.
                continue;
            }

            at += length;
            if (at > bytes.Length)
            {
                return -1;
            }

            if (code == 0xDA)
            {
                at = ScanEnd(bytes, at);
                if (at < 0)
                {
                    return -1;
                }
            }
        }
    }

    /// <summary>
    /// The offset just past a PNG's <c>IEND</c> chunk, or -1 when the file ends first; chunks are
    /// skipped by their lengths.
    /// </summary>
    public static int Png(ReadOnlySpan<byte> bytes)
    {
        var at = 8;
        while (at + 12 <= bytes.Length)
        {
            var length = BinaryPrimitives.ReadUInt32BigEndian(bytes[at..]);
            var end = at + 12L + length;
            if (end > bytes.Length)
            {
                return -1;
            }

            if (bytes.Slice(at + 4, 4).SequenceEqual("IEND"u8))
            {
                return (int)end;
            }

            at = (int)end;
        }

        return -1;
    }

    /// <summary>Where a scan's entropy-coded data ends: at the first marker that is neither stuffing nor a restart.</summary>
    private static int ScanEnd(ReadOnlySpan<byte> bytes, int at)
    {
        while (true)
        {
            var next = bytes[at..].IndexOf((byte)0xFF);
            if (next < 0 || at + next + 1 >= bytes.Length)
            {
                return -1;
            }

            at += next + 1;
            var code = bytes[at];
            if (code == 0x00 || code == 0xFF || code is >= 0xD0 and <= 0xD7)
            {
                // Stuffed FF, fill, or a restart marker: still the scan's data. A fill FF is read again as a marker's start.
                if (code != 0xFF)
                {
                    at++;
                }

                continue;
            }

            return at - 1;
        }
    }
}
