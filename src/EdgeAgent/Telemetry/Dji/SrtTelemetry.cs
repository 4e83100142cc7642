namespace EdgeAgent.Telemetry.Dji;

using System.Globalization;
using System.Text.RegularExpressions;
using EdgeAgent.Common.Observations;

/// <summary>What was read from a DJI subtitle file.</summary>
/// <param name="Samples">One sample per subtitle block with a position, in file order.</param>
/// <param name="Skipped">Blocks without a usable timing line or position.</param>
/// <param name="Implausible">Blocks with a value no aircraft reports (a latitude of 999): refused, not used.</param>
public sealed record SrtReading(IReadOnlyList<PoseSample> Samples, int Skipped, int Implausible);

/// <summary>
/// DJI's <c>.SRT</c> sidecar: one subtitle block per frame (or per second on older aircraft) with the
/// aircraft's position and, depending on the model, its height above the take-off point and the
/// gimbal's angles. Every format DJI has used is read: the bracket format (<c>[latitude: …]
/// [longitude: …] [rel_alt: … abs_alt: …]</c> or <c>[altitude: …]</c>), the Phantom tuple
/// <c>GPS(longitude, latitude, satellites)</c> with <c>H</c>, <c>F.PRY</c> and <c>G.PRY</c>, and the
/// Matrice tuple <c>GPS(latitude, longitude, altitudeM)</c> with <c>BAROMETER</c>. The clock, where
/// written, is the aircraft's local time without a zone; it is taken as UTC.
/// </summary>
public static partial class SrtTelemetry
{
    // A number as the files write it, with the exponent a corrupt card can carry (1e308), so that it is read whole and refused, not read as 1.
    private const string Number = @"(-?[\d.]+(?:[eE][-+]?\d+)?)";

    // A block is a few hundred characters; one far longer is not a subtitle block (a random or binary file).
    private const int MaxBlock = 16 * 1024;

    private static readonly Dictionary<string, Regex> Fields = new[] { "latitude", "longitude", "abs_alt", "altitude", "rel_alt", "gb_yaw", "gb_pitch", "gb_roll" }
        .ToDictionary(n => n, n => new Regex(@"\b" + n + @"\s*[:=]\s*" + Number, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1)));

    private static readonly Dictionary<string, Regex> Triples = new[] { "G.PRY", "F.PRY" }
        .ToDictionary(n => n, n => new Regex(Regex.Escape(n) + $@"\s*\(\s*{Number}°?\s*,\s*{Number}°?\s*,\s*{Number}°?\s*\)", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1)));

    /// <summary>Reads a subtitle file as a stream: memory grows with the samples found, not with the file.</summary>
    public static SrtReading ReadFile(string path)
    {
        using var reader = new StreamReader(path);
        return Parse(reader);
    }

    /// <summary>Parses subtitle text.</summary>
    public static SrtReading Parse(string text) => Parse(new StringReader(text));

    /// <summary>Parses subtitle blocks (separated by blank lines) as they are read.</summary>
    public static SrtReading Parse(TextReader text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var samples = new List<PoseSample>();
        var (skipped, implausible) = (0, 0);
        var block = new System.Text.StringBuilder();
        var tooLong = false;
        void EndBlock()
        {
            if (tooLong)
            {
                skipped++;
            }
            else if (block.Length > 0 && !string.IsNullOrWhiteSpace(block.ToString()))
            {
                switch (Sample(block.ToString()))
                {
                    case null:
                        skipped++;
                        break;
                    case { } sample when sample.Implausible() is not null:
                        implausible++;
                        break;
                    case { } sample:
                        samples.Add(sample);
                        break;
                }
            }

            block.Clear();
            tooLong = false;
        }

        while (text.ReadLine() is { } line)
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                EndBlock();
            }
            else if (!tooLong)
            {
                block.Append(line).Append('\n');
                if (block.Length > MaxBlock)
                {
                    tooLong = true;
                    block.Clear();
                }
            }
        }

        EndBlock();
        return new SrtReading(samples, skipped, implausible);
    }

    /// <summary>A block's sample; null when it has no timing line or position, or a number, time or date that cannot be (a corrupt card, a cut file).</summary>
    private static PoseSample? Sample(string block)
    {
        try
        {
            return ParseBlock(block);
        }
        catch (Exception e) when (e is FormatException or OverflowException or ArgumentOutOfRangeException)
        {
            return null;
        }
    }

    private static PoseSample? ParseBlock(string block)
    {
        var timing = Timing().Match(block);
        if (!timing.Success)
        {
            return null;
        }

        double? latitude = Read(Field("latitude"), block);
        double? longitude = Read(Field("longitude"), block);
        double? altitude = Read(Field("abs_alt"), block) ?? Read(Field("altitude"), block);
        double? height = Read(Field("rel_alt"), block) ?? Read(HeightField(), block) ?? Read(Barometer(), block);
        if (Gps().Match(block) is { Success: true } gps)
        {
            var (a, b) = (Value(gps.Groups["a"].Value), Value(gps.Groups["b"].Value));

            // The Matrice writes latitude first and an altitude in metres; the Phantoms longitude
            // first and a satellite count. A first value beyond ±90 can only be a longitude.
            var latitudeFirst = gps.Groups["unit"].Success && Math.Abs(a) <= 90;
            (latitude, longitude) = latitudeFirst ? (a, b) : (b, a);
            if (latitudeFirst)
            {
                altitude = Value(gps.Groups["c"].Value);
            }
        }

        if (latitude is null || longitude is null)
        {
            return null;
        }

        var gimbal = Triple("G.PRY", block);
        return new PoseSample
        {
            LocalTime = Clock(block),
            VideoTime = TimeSpan.ParseExact(timing.Groups[1].Value, @"hh\:mm\:ss\,fff", CultureInfo.InvariantCulture),
            Position = GeoPosition.Of(latitude, longitude),
            Altitude = altitude,
            AltitudeReference = AltitudeReference.MeanSeaLevel,
            HeightAboveGround = height,
            Platform = Triple("F.PRY", block),
            Sensor = new(Read(Field("gb_yaw"), block) ?? gimbal.Yaw, Read(Field("gb_pitch"), block) ?? gimbal.Pitch, Read(Field("gb_roll"), block) ?? gimbal.Roll),
            GimbalIsEarthReferenced = true,
        };
    }

    private static DateTime? Clock(string block)
    {
        var m = ClockPattern().Match(block);
        if (!m.Success)
        {
            return null;
        }

        int Group(string name) => int.Parse(m.Groups[name].Value, CultureInfo.InvariantCulture);
        var millis = m.Groups["ms"].Success ? int.Parse(m.Groups["ms"].Value.PadRight(3, '0')[..3], CultureInfo.InvariantCulture) : 0;
        return new DateTime(Group("y"), Group("mo"), Group("d"), Group("h"), Group("mi"), Group("s"), millis, DateTimeKind.Unspecified);
    }

    // DJI writes the angles pitch, roll, yaw.
    private static Attitude Triple(string name, string block)
    {
        var m = Triples[name].Match(block);
        return m.Success ? new(Yaw: Value(m.Groups[3].Value), Pitch: Value(m.Groups[1].Value), Roll: Value(m.Groups[2].Value)) : default;
    }

    /// <summary>A <c>name: value</c> (or <c>name=value</c>) field, its pattern built once.</summary>
    private static Regex Field(string name) => Fields[name];

    private static double? Read(Regex pattern, string block) => pattern.Match(block) is { Success: true } m ? Value(m.Groups[1].Value) : null;

    private static double Value(string value) => double.Parse(value, NumberStyles.Float, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"(\d\d:\d\d:\d\d,\d\d\d)\s*-->\s*(\d\d:\d\d:\d\d,\d\d\d)")]
    private static partial Regex Timing();

    [GeneratedRegex(@"GPS\s*\(\s*(?<a>-?[\d.]+(?:[eE][-+]?\d+)?)\s*,\s*(?<b>-?[\d.]+(?:[eE][-+]?\d+)?)\s*,\s*(?<c>-?[\d.]+(?:[eE][-+]?\d+)?)(?<unit>M)?\s*\)")]
    private static partial Regex Gps();

    [GeneratedRegex(@"(?<![\w.])H\s+(-?[\d.]+(?:[eE][-+]?\d+)?)m")]
    private static partial Regex HeightField();

    [GeneratedRegex(@"BAROMETER\s*:\s*(-?[\d.]+(?:[eE][-+]?\d+)?)")]
    private static partial Regex Barometer();

    [GeneratedRegex(@"(?<y>\d{4})[-.](?<mo>\d\d)[-.](?<d>\d\d) (?<h>\d\d):(?<mi>\d\d):(?<s>\d\d)(?:[.,](?<ms>\d{1,3}))?")]
    private static partial Regex ClockPattern();
}
