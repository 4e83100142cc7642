namespace EdgeAgent.IntegrationTests;

using System.Text.Json.Nodes;
using EdgeAgent.Testing;

/// <summary><c>edge-agent telemetry</c> as a technician runs it on a drone's recordings.</summary>
public sealed class TelemetryCommandTests
{
    private static string Shared(string folder, string name) => TestPaths.Picture(Path.Combine(TestPaths.Shared, "testdata", folder), name);

    [Fact]
    public async Task Klv_in_mpeg_ts_prints_one_json_line_per_sample_and_a_summary()
    {
        var (code, output, error) = await AgentProcess.RunAsync("telemetry", Shared("drone", "h264_klv.ts"));

        Assert.True(code == 0, error);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var first = JsonNode.Parse(lines[0])!.AsObject();
        Assert.Equal("2008-10-24T00:13:29.9130000Z", (string)first["time"]!);
        Assert.Equal(60.176823, (double)first["latitude"]!, 6);
        Assert.Equal(-10.542389, (double)first["reported_frame_center"]!["latitude"]!, 6);
        Assert.NotNull(first["frame_center"]);
        foreach (var field in new[] { "altitude_m", "height_above_ground_m", "heading_deg", "pitch_deg", "roll_deg", "sensor_azimuth_deg", "sensor_elevation_deg", "sensor_roll_deg", "hfov_deg", "vfov_deg" })
        {
            Assert.True(first.ContainsKey(field), field);
        }

        Assert.Contains($"{lines.Length} samples, 0 checksum failures", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_dji_subtitle_file_prints_csv_with_the_image_centre_once_the_field_of_view_is_given()
    {
        var (code, output, error) = await AgentProcess.RunAsync("telemetry", Shared("telemetry", "dji__p4_rtk.SRT"), "--format", "csv", "--hfov", "73.7");

        Assert.True(code == 0, error);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("time,video_time_s,latitude,longitude,", lines[0], StringComparison.Ordinal);
        Assert.Equal(56, lines.Length);

        // 85.8 m above take-off, gimbal 24.4° down towards 110.4°: the centre is 85.8 / tan 24.4° = 189 m away, east-south-east.
        var centre = lines[1].Split(',')[^2].Split(' ').Select(v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        var north = (centre[0] - -34.237922) * 111_320;
        var east = (centre[1] - -58.851745) * 111_320 * Math.Cos(-34.237922 * Math.PI / 180);
        Assert.Equal(189, Math.Sqrt((north * north) + (east * east)), 0);
        Assert.Equal(110.4, Math.Atan2(east, north) * 180 / Math.PI, 0);
        Assert.Contains("55 samples, 0 blocks skipped", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_file_is_a_one_line_error_with_exit_code_2()
    {
        var (code, _, error) = await AgentProcess.RunAsync("telemetry", "/nonexistent/flight.ts");

        Assert.Equal(2, code);
        Assert.Equal("edge-agent: /nonexistent/flight.ts: no such file", error.Trim());
    }

    [Theory]
    [InlineData("empty.jpg", 0)]
    [InlineData("random.jpg", 100_000)]
    public async Task A_file_that_is_not_what_its_name_says_is_a_one_line_error_with_exit_code_2(string name, int size)
    {
        using var folder = new TempFolder();
        var path = folder.File(name);
        await File.WriteAllBytesAsync(path, RandomBytes(size, 1));

        var (code, output, error) = await AgentProcess.RunAsync("telemetry", path);

        Assert.Equal(2, code);
        Assert.Equal($"edge-agent: {path}: File format could not be determined", error.Trim());
        Assert.Empty(output);
    }

    [Theory]
    [InlineData("random.srt")]
    [InlineData("random.klv")]
    public async Task A_large_random_file_says_no_telemetry_found_in_bounded_memory(string name)
    {
        using var folder = new TempFolder();
        var path = folder.File(name);
        await using (var file = File.Create(path))
        {
            for (var i = 0; i < 96; i++)
            {
                await file.WriteAsync(RandomBytes(1 << 20, i));
            }
        }

        // The process's peak resident memory (VmHWM only grows), read until it exits.
        using var process = System.Diagnostics.Process.Start(AgentProcess.StartInfo("telemetry", path))!;
        var (output, errors) = (process.StandardOutput.ReadToEndAsync(), process.StandardError.ReadToEndAsync());
        var peak = 0L;
        while (!process.HasExited)
        {
            try
            {
                var line = File.ReadLines($"/proc/{process.Id}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
                peak = Math.Max(peak, line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture));
            }
            catch (IOException)
            {
                break; // It has just exited.
            }

            await Task.Delay(10); // The sampling interval: VmHWM keeps the peak between samples.
        }

        await process.WaitForExitAsync();
        Assert.Equal(2, process.ExitCode);
        Assert.Empty(await output);
        Assert.StartsWith($"edge-agent: {path}: no telemetry found", (await errors).Trim(), StringComparison.Ordinal);

        // 96 MB read whole would cost more than that again (the bytes, or the text as UTF-16); read as a stream it costs the runtime's own.
        Assert.True(peak < 96 * 1024, $"peak resident memory {peak / 1024} MB for a 96 MB file");
    }

    private static byte[] RandomBytes(int size, int seed)
    {
        var bytes = new byte[size];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
