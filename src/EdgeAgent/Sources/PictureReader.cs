namespace EdgeAgent.Sources;

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
public sealed class PictureException(string message) : Exception(message);

/// <summary>
/// Reads picture files: bytes, EXIF and pixels. Large JPEGs are decoded at reduced size with
/// libjpeg's DCT scaling when the model input is much smaller than the picture: decoding a 2048-pixel
/// picture at ¼ scale costs a fraction of a full decode and loses nothing the model would have seen.
/// </summary>
public static class PictureReader
{
    private static readonly (int Factor, ImreadModes Mode)[] Reductions =
    [
        (8, ImreadModes.ReducedColor8),
        (4, ImreadModes.ReducedColor4),
        (2, ImreadModes.ReducedColor2),
    ];

    /// <summary>Reads a file; throws <see cref="PictureException"/> with a plain reason when it is not a usable picture.</summary>
    /// <param name="path">The file.</param>
    /// <param name="minWidth">The decoded pixels keep at least this width, or …</param>
    /// <param name="minHeight">… at least this height; 0 and 0 decode at full size.</param>
    /// <param name="timings">Optional per-stage timing.</param>
    public static Picture Read(string path, int minWidth, int minHeight, StageTimings? timings = null)
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
        var picture = Decode(bytes, minWidth, minHeight);
        timings?.Add(Stage.Decode, start);
        return picture;
    }

    /// <summary>Decodes picture bytes; see <see cref="Read"/>.</summary>
    public static Picture Decode(byte[] bytes, int minWidth, int minHeight)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        if (bytes.Length == 0)
        {
            throw new PictureException("empty file (0 bytes)");
        }

        var isJpeg = bytes.Length >= 3 && bytes[0] == 0xFF && bytes[1] == 0xD8 && bytes[2] == 0xFF;
        if (isJpeg && !EndsWithEndOfImage(bytes))
        {
            // libjpeg decodes a cut-off JPEG without an error and fills the missing part with grey;
            // a half-uploaded picture must be reported, not silently half-analysed.
            throw new PictureException("truncated JPEG (no end-of-image marker): the file is incomplete");
        }

        var (width, height, dateTimeOriginal) = ReadMetadata(bytes);
        var (factor, mode) = (1, ImreadModes.Color);
        if (isJpeg && width > 0 && height > 0 && (minWidth > 0 || minHeight > 0))
        {
            foreach (var reduction in Reductions)
            {
                if (width / reduction.Factor >= minWidth || height / reduction.Factor >= minHeight)
                {
                    (factor, mode) = reduction;
                    break;
                }
            }
        }

        var pixels = Cv2.ImDecode(bytes, mode);
        if (pixels is null || pixels.Empty())
        {
            pixels?.Dispose();
            throw new PictureException(isJpeg ? "corrupt JPEG: it cannot be decoded" : "not a JPEG or PNG picture, or a corrupt one");
        }

        if (factor == 1 || width <= 0 || height <= 0)
        {
            (width, height) = (pixels.Width, pixels.Height);
        }
        else if (Math.Abs((pixels.Width * factor) - width) > factor)
        {
            // OpenCV applied the EXIF orientation: the stored width is the shown height.
            (width, height) = (height, width);
        }

        return new Picture(pixels, width, height, (float)width / pixels.Width, dateTimeOriginal);
    }

    private static bool EndsWithEndOfImage(byte[] bytes)
    {
        // Some cameras pad the file after the marker; skip zero padding.
        var end = bytes.Length;
        while (end > 2 && bytes[end - 1] == 0)
        {
            end--;
        }

        return bytes[end - 2] == 0xFF && bytes[end - 1] == 0xD9;
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
