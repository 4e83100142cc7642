namespace EdgeAgent.Cli;

using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeAgent.Common.Observations;
using EdgeAgent.Telemetry;
using EdgeAgent.Telemetry.Dji;
using EdgeAgent.Telemetry.Klv;

/// <summary>
/// <c>edge-agent telemetry INPUT [--format jsonl|csv]</c>: the pose samples of a drone's telemetry —
/// MPEG-TS with MISB ST 0601 KLV, a raw KLV file, a DJI subtitle file or a DJI photo — one per line, with the
/// image centre on the ground as this agent projects it and as the sender reports it. A technician
/// checks an aircraft's downlink with it before a flight.
/// </summary>
internal static class TelemetryCommand
{
    private static readonly string[] Columns =
    [
        "time", "video_time_s", "latitude", "longitude", "altitude_m", "altitude_reference", "height_above_ground_m", "heading_deg", "pitch_deg", "roll_deg",
        "sensor_azimuth_deg", "sensor_elevation_deg", "sensor_roll_deg", "gimbal_earth_referenced", "hfov_deg", "vfov_deg", "frame_center", "reported_frame_center",
    ];

    public static Command Create()
    {
        var input = new Argument<string>("input") { Description = "MPEG-TS (.ts) with KLV, raw KLV (.klv, .bin), DJI subtitles (.srt) or a DJI photo (.jpg)" };
        var format = new Option<string>("--format") { Description = "jsonl (default) or csv", DefaultValueFactory = _ => "jsonl" };
        format.AcceptOnlyFromAmong("jsonl", "csv");
        var hfov = new Option<double?>("--hfov") { Description = "Horizontal field of view in degrees, where the telemetry has none (DJI: not the diagonal figure DJI quotes)" };
        var command = new Command("telemetry", "Print a drone telemetry file's pose samples, one per line, with the projected image centre") { input, format, hfov };
        command.SetAction((parse, _) => EdgeAgentCommandLine.GuardAsync(async () =>
        {
            var path = parse.GetValue(input)!;
            if (!File.Exists(path))
            {
                throw new ConfigurationException($"{path}: no such file");
            }

            var clock = System.Diagnostics.Stopwatch.StartNew();
            var (samples, problems) = Read(path);
            var decoding = clock.Elapsed;
            if (samples.Count == 0)
            {
                throw new ConfigurationException($"{path}: no telemetry found{problems}");
            }

            if (parse.GetValue(hfov) is { } fov)
            {
                samples = samples.Select(s => s with { HorizontalFieldOfView = s.HorizontalFieldOfView ?? fov }).ToList();
            }

            var csv = parse.GetValue(format) == "csv";
            if (csv)
            {
                Console.WriteLine(string.Join(',', Columns));
            }

            clock.Restart();
            var centres = samples.Select(TelemetryPose.FrameCenter).ToList();
            var projecting = clock.Elapsed;
            foreach (var (sample, centre) in samples.Zip(centres))
            {
                var row = Row(sample, centre);
                Console.WriteLine(csv ? string.Join(',', Columns.Select(c => Csv(row[c]))) : row.ToJsonString());
            }

            var timed = samples.Where(s => s.Time is not null || s.LocalTime is not null).OrderBy(s => s.Time?.UtcDateTime ?? s.LocalTime).ToList();
            var span = timed.Count > 0 ? $", {Stamp(timed[0])} to {Stamp(timed[^1])}" : "";
            var perSample = samples.Count == 0 ? "" : string.Create(
                CultureInfo.InvariantCulture, $"; read {decoding.TotalMicroseconds / samples.Count:F1} µs and projected {projecting.TotalMicroseconds / samples.Count:F1} µs a sample");
            await Console.Error.WriteLineAsync($"{path}: {samples.Count} samples{problems}{span}{perSample}").ConfigureAwait(false);
            return 0;
        }));
        return command;
    }

    private static (List<PoseSample> Samples, string Problems) Read(string path)
    {
        try
        {
            if (path.EndsWith(".jpg", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".jpeg", StringComparison.OrdinalIgnoreCase))
            {
                return DjiPhoto.Read(path) is { } photo ? ([photo], "") : ([], " (no usable DJI position: EXIF GPS missing or impossible)");
            }

            if (path.EndsWith(".srt", StringComparison.OrdinalIgnoreCase))
            {
                var srt = SrtTelemetry.ReadFile(path);
                return (srt.Samples.ToList(), $", {srt.Skipped} blocks skipped, {srt.Implausible} refused for impossible values");
            }

            var klv = KlvTelemetry.ReadFile(path);
            return (klv.Samples.Select(s => s.Sample).ToList(),
                $", {klv.ChecksumFailures} checksum failures, {klv.Malformed} malformed, {klv.OtherSets} other KLV sets skipped, {klv.Implausible} refused for impossible values");
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            // The file is not what its name says (a random .jpg), or cannot be read: said in one line, as any input error.
            throw new ConfigurationException(e is InvalidDataException ? e.Message : $"{path}: {e.Message}");
        }
    }

    // UTC with its Z; DJI's local clock as it is written, without a zone, for none is known.
    private static string? Stamp(PoseSample s) =>
        s.Time?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture)
        ?? s.LocalTime?.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff", CultureInfo.InvariantCulture);

    private static JsonObject Row(PoseSample s, GeoPosition? centre)
    {
        static JsonNode? Point(GeoPosition? p) => p is { } g ? new JsonObject { ["latitude"] = g.Latitude, ["longitude"] = g.Longitude } : null;
        return new JsonObject
        {
            ["time"] = Stamp(s),
            ["video_time_s"] = s.VideoTime?.TotalSeconds,
            ["latitude"] = s.Position?.Latitude,
            ["longitude"] = s.Position?.Longitude,
            ["altitude_m"] = s.Altitude,
            ["altitude_reference"] = s.Altitude is null ? null : s.AltitudeReference switch
            {
                AltitudeReference.Ellipsoid => "ellipsoid",
                AltitudeReference.TakeOff => "take-off",
                _ => "msl",
            },
            ["height_above_ground_m"] = s.HeightAboveGround,
            ["heading_deg"] = s.Platform.Yaw,
            ["pitch_deg"] = s.Platform.Pitch,
            ["roll_deg"] = s.Platform.Roll,
            ["sensor_azimuth_deg"] = s.Sensor.Yaw,
            ["sensor_elevation_deg"] = s.Sensor.Pitch,
            ["sensor_roll_deg"] = s.Sensor.Roll,
            ["gimbal_earth_referenced"] = s.GimbalIsEarthReferenced,
            ["hfov_deg"] = s.HorizontalFieldOfView,
            ["vfov_deg"] = s.VerticalFieldOfView,
            ["frame_center"] = Point(centre),
            ["reported_frame_center"] = Point(s.ReportedFrameCenter),
        };
    }

    private static string Csv(JsonNode? value) => value switch
    {
        null => "",
        JsonObject point => $"{point["latitude"]} {point["longitude"]}",
        JsonValue v when v.TryGetValue<string>(out var text) => text,
        _ => value.ToJsonString(new JsonSerializerOptions()),
    };
}
