namespace EdgeAgent.Telemetry.Dji;

using System.Globalization;
using System.Text.RegularExpressions;
using EdgeAgent.Common.Observations;
using MetadataExtractor;
using MetadataExtractor.Formats.Exif;
using MetadataExtractor.Formats.Jpeg;
using MetadataExtractor.Formats.Xmp;

/// <summary>
/// The pose in a DJI photo: EXIF GPS for the position, and DJI's XMP (<c>drone-dji:</c>) for the
/// height above the take-off point and the flight and gimbal angles (the gimbal's earth-referenced).
/// The horizontal field of view follows from <c>CalibratedFocalLength</c> (pixels) and the picture's
/// width, which assumes a crop, if it is one, centred on the optical axis.
/// </summary>
public static class DjiPhoto
{
    /// <summary>
    /// The photo's pose, or null when it has no DJI position, or one with a value no aircraft reports;
    /// <see cref="InvalidDataException"/> naming the file when its metadata cannot be read.
    /// </summary>
    public static PoseSample? Read(string path)
    {
        try
        {
            return ReadPose(path) is { } pose && pose.Implausible() is null ? pose : null;
        }
        catch (Exception e) when (e is ImageProcessingException or MetadataException or IOException or FormatException or OverflowException or ArgumentException)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
    }

    private static PoseSample? ReadPose(string path)
    {
        var directories = ImageMetadataReader.ReadMetadata(path);

        var gps = directories.OfType<GpsDirectory>().FirstOrDefault()?.GetGeoLocation();
        var xmp = string.Join(' ', directories.OfType<XmpDirectory>().SelectMany(d => d.GetXmpProperties()).Select(p => $"{p.Key}=\"{p.Value}\""));
        if (gps is null)
        {
            return null;
        }

        double? Dji(string name) => Regex.Match(xmp, "drone-dji:" + name + "=\"([+-]?[\\d.]+)\"", RegexOptions.None, TimeSpan.FromSeconds(1)) is { Success: true } m
            ? double.Parse(m.Groups[1].Value, NumberStyles.Float, CultureInfo.InvariantCulture)
            : null;
        var width = directories.OfType<JpegDirectory>().FirstOrDefault()?.GetImageWidth();
        var focal = Dji("CalibratedFocalLength");
        var taken = directories.OfType<ExifSubIfdDirectory>().FirstOrDefault()?.GetDescription(ExifDirectoryBase.TagDateTimeOriginal);
        return new PoseSample
        {
            LocalTime = DateTime.TryParseExact(taken, "yyyy:MM:dd HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.None, out var t) ? t : null,
            Position = new GeoPosition(gps.Latitude, gps.Longitude),
            Altitude = Dji("AbsoluteAltitude"),
            HeightAboveGround = Dji("RelativeAltitude"),
            Platform = new(Dji("FlightYawDegree"), Dji("FlightPitchDegree"), Dji("FlightRollDegree")),
            Sensor = new(Dji("GimbalYawDegree"), Dji("GimbalPitchDegree"), Dji("GimbalRollDegree")),
            GimbalIsEarthReferenced = true,
            HorizontalFieldOfView = focal is > 0 && width is > 0 ? double.RadiansToDegrees(2 * Math.Atan(width.Value / 2.0 / focal.Value)) : null,
        };
    }
}
