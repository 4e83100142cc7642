namespace EdgeAgent.Sources;

using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using EdgeAgent.Detection;
using MetadataExtractor;
using MetadataExtractor.Formats.Exif;
using MetadataExtractor.Formats.Jpeg;
using OpenCvSharp;

/// <summary>A decoded picture. Its pixels may be a reduced-size decode; boxes found in them are scaled by <see cref="DecodeScale"/>.</summary>
/// <param name="Pixels">8-bit BGR pixels.</param>
/// <param name="Width">Width of the picture as stored in the file.</param>
/// <param name="Height">Height of the picture as stored in the file.</param>
/// <param name="DecodeScale">File pixels per decoded pixel: 1, 2, 4 or 8.</param>
/// <param name="DateTimeOriginal">EXIF capture time as the camera wrote it (<c>yyyy:MM:dd HH:mm:ss</c>), if any.</param>
public sealed record Picture(Mat Pixels, int Width, int Height, float DecodeScale, string? DateTimeOriginal) : IDisposable
{
    /// <summary>EXIF capture time parsed; the camera's clock, no time zone.</summary>
    public DateTime? CapturedAt => DateTime.TryParseExact(
        DateTimeOriginal, "yyyy:MM:dd HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.None, out var t) ? t : null;

    /// <inheritdoc />
    public void Dispose() => Pixels.Dispose();
}

/// <summary>Why a picture could not be read; the message is written into results as its <c>failure</c>.</summary>
/// <param name="message">The reason, in a ranger's words.</param>
/// <param name="final">The file is complete and still unusable (too large, another format): waiting for more of it is pointless.</param>
public sealed class PictureException(string message, bool final = false) : Exception(message)
{
    /// <summary>The file is complete and still unusable: a drop folder fails it at once instead of waiting for the rest of an upload.</summary>
    public bool Final { get; } = final;
}

/// <summary>
/// Reads picture files: bytes, EXIF and pixels. Large JPEGs are decoded at reduced size with
/// libjpeg's DCT scaling when the model input is much smaller than the picture: decoding a 2048-pixel
/// picture at ¼ scale costs a fraction of a full decode and loses nothing the model would have seen.
/// </summary>
public static class PictureReader
{
    private static ReadOnlySpan<byte> PngSignature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    private static readonly (int Factor, ImreadModes Mode)[] Reductions =
    [
        (8, ImreadModes.ReducedColor8),
        (4, ImreadModes.ReducedColor4),
        (2, ImreadModes.ReducedColor2),
    ];

    /// <summary>The largest picture decoded by default: a 100-megapixel decode is 300 MB of pixels.</summary>
    public const int DefaultMaxMegapixels = 100;

    /// <summary>Reads a file; throws <see cref="PictureException"/> with a plain reason when it is not a usable picture.</summary>
    /// <param name="path">The file.</param>
    /// <param name="minWidth">The decoded pixels keep at least this width, or …</param>
    /// <param name="minHeight">… at least this height; 0 and 0 decode at full size.</param>
    /// <param name="timings">Optional per-stage timing.</param>
    /// <param name="maxMegapixels">Pictures larger than this are decoded reduced (JPEG) or refused.</param>
    public static Picture Read(string path, int minWidth, int minHeight, StageTimings? timings = null, int maxMegapixels = DefaultMaxMegapixels)
    {
        var start = Stopwatch.GetTimestamp();
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new PictureException($"cannot be read: {e.Message}");
        }

        timings?.Add(Stage.Read, start);
        start = Stopwatch.GetTimestamp();
        var picture = Decode(bytes, minWidth, minHeight, maxMegapixels);
        timings?.Add(Stage.Decode, start);
        return picture;
    }

    /// <summary>
    /// Decode threads: when inference runs off the CPU (a GPU, a Triton server), decoding is the work
    /// left to the cores, so all but one decode (measured: 78 pictures/s with one decoder on an H100,
    /// 254 with four); on the CPU one decoder keeps the detector fed and leaves it the other cores.
    /// </summary>
    /// <param name="infersOffCpu">Whether inference runs off this machine's cores.</param>
    /// <param name="configured">The configured count; 0: as above.</param>
    public static int DecodeWorkersFor(bool infersOffCpu, int configured) =>
        configured > 0 ? configured : infersOffCpu ? Math.Max(1, Environment.ProcessorCount - 1) : 1;

    /// <summary>Decodes picture bytes; see <see cref="Read"/>.</summary>
    public static Picture Decode(byte[] bytes, int minWidth, int minHeight, int maxMegapixels = DefaultMaxMegapixels)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        if (bytes.Length == 0)
        {
            throw new PictureException("empty file (0 bytes)");
        }

        // Only the two formats camera traps write reach a decoder: outside input never picks one.
        var isJpeg = bytes.Length >= 3 && bytes[0] == 0xFF && bytes[1] == 0xD8 && bytes[2] == 0xFF;
        var isPng = bytes.Length >= 24 && bytes.AsSpan(0, 8).SequenceEqual(PngSignature);
        if (!isJpeg && !isPng)
        {
            throw new PictureException("not a JPEG or PNG picture", final: bytes.Length >= 8);
        }

        // libjpeg decodes a cut-off JPEG without an error and fills the missing part with grey; a
        // half-uploaded picture must be reported, not silently half-analysed. Data a camera appends
        // after the image is no sign of that.
        if (isJpeg && PictureEnd.Jpeg(bytes) < 0)
        {
            throw new PictureException("truncated JPEG (its image data does not reach an end-of-image marker): the file is incomplete");
        }

        if (isPng && PictureEnd.Png(bytes) < 0)
        {
            throw new PictureException("truncated PNG (no IEND chunk): the file is incomplete");
        }

        var (width, height, dateTimeOriginal) = ReadMetadata(bytes);
        if (isPng)
        {
            // The IHDR chunk comes first: width and height, big-endian, before a single pixel is inflated.
            (width, height) = (BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16)), BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20)));
            if (width <= 0 || height <= 0)
            {
                throw new PictureException("corrupt PNG: no valid size in its header");
            }
        }

        var maxPixels = (long)maxMegapixels * 1_000_000;
        var pixels = (long)width * height;
        var factor = isJpeg && width > 0 && height > 0 ? JpegReduction(width, height, minWidth, minHeight, maxPixels) : 1;
        if (pixels / ((long)factor * factor) > maxPixels)
        {
            throw new PictureException($"{width}×{height} pixels ({pixels / 1e6:F0} megapixels) is over the limit of {maxMegapixels} megapixels{(isJpeg ? " even at ⅛ scale" : "")}", final: true);
        }

        var mode = factor == 1 ? ImreadModes.Color : Reductions.First(r => r.Factor == factor).Mode;
        Mat? decoded;
        try
        {
            decoded = Cv2.ImDecode(bytes, mode);
        }
        catch (OpenCVException e)
        {
            throw new PictureException($"cannot be decoded: {e.Message}");
        }

        if (decoded is null || decoded.Empty())
        {
            decoded?.Dispose();
            throw new PictureException(isJpeg ? "corrupt JPEG: it cannot be decoded" : "corrupt PNG: it cannot be decoded");
        }

        if (factor == 1)
        {
            (width, height) = (decoded.Width, decoded.Height);
        }
        else if (Math.Abs((decoded.Width * factor) - width) > factor)
        {
            // OpenCV applied the EXIF orientation: the stored width is the shown height.
            (width, height) = (height, width);
        }

        return new Picture(decoded, width, height, (float)width / decoded.Width, dateTimeOriginal);
    }

    /// <summary>
    /// The DCT scale to decode a JPEG at: as small as the model input allows (none given: full size),
    /// and small enough to stay under the pixel limit.
    /// </summary>
    private static int JpegReduction(int width, int height, int minWidth, int minHeight, long maxPixels)
    {
        var forModel = minWidth > 0 || minHeight > 0
            ? Reductions.FirstOrDefault(r => width / r.Factor >= minWidth || height / r.Factor >= minHeight).Factor
            : 0;
        var forLimit = new[] { 1, 2, 4, 8 }.FirstOrDefault(f => (long)width * height / ((long)f * f) <= maxPixels, 8);
        return Math.Max(Math.Max(forModel, 1), forLimit);
    }

    private static (int Width, int Height, string? DateTimeOriginal) ReadMetadata(byte[] bytes)
    {
        try
        {
            using var stream = new MemoryStream(bytes, writable: false);
            var directories = ImageMetadataReader.ReadMetadata(stream);
            var jpeg = directories.OfType<JpegDirectory>().FirstOrDefault();
            int width = 0, height = 0;
            if (jpeg is not null && jpeg.TryGetInt32(JpegDirectory.TagImageWidth, out var w) && jpeg.TryGetInt32(JpegDirectory.TagImageHeight, out var h))
            {
                (width, height) = (w, h);
            }

            var exif = directories.OfType<ExifSubIfdDirectory>().FirstOrDefault();
            var taken = exif?.GetString(ExifDirectoryBase.TagDateTimeOriginal)?.Trim().TrimEnd('\0');
            return (width, height, string.IsNullOrEmpty(taken) ? null : taken);
        }
        catch (Exception e) when (e is ImageProcessingException or IOException or ArgumentException or IndexOutOfRangeException)
        {
            // Metadata is a bonus: the decoder is the judge of whether the pixels are usable.
            return (0, 0, null);
        }
    }
}
