namespace EdgeAgent.Tests;

using EdgeAgent.Telemetry.Dji;
using EdgeAgent.Testing;

/// <summary>Every DJI subtitle format in the shared set, first and last sample as the files say them.</summary>
public sealed class SrtTests
{
    private static readonly DateTime? NoClock = null;

    public static TheoryData<string, int, double, double, double?, double, double, double?> Files => new()
    {
        // file, samples, first latitude, first longitude, first height above take-off, last latitude, last longitude, last height
        { "dji__MAVIC3.srt", 12318, 3.41531, -3.37440, -2.4, 3.41368, -3.37721, 3.6 },
        { "dji__air2s.srt", 17, 41.424724, 2.234156, null, 41.424730, 2.234102, null },
        { "dji__mavic_air2.srt", 25, 41.420684, 2.162162, null, 41.420686, 2.162162, null },
        { "dji__matrice_300.srt", 381, 36.6146, -6.1120, 0.3, 36.6146, -6.1120, 0.0 },
        { "dji__mavic_mini.SRT", 117, 48.0771, -121.7458, 200.70, 48.0775, -121.7476, 200.80 },
        { "dji__mavic_pro.SRT", 468, -20.2533, 149.0251, 1.9, -20.2532, 149.0251, 0.0 },
        { "dji__p4_rtk.SRT", 55, -34.237922, -58.851745, 85.80, -34.232349, -58.849196, 85.80 },
        { "dji__p4p_sample.SRT", 5, 47.4692, 8.2090, 45.60, 47.4692, 8.2090, 45.60 },
    };

    [Theory]
    [MemberData(nameof(Files))]
    public void Every_format_parses_to_its_first_and_last_sample(
        string file, int count, double firstLatitude, double firstLongitude, double? firstHeight, double lastLatitude, double lastLongitude, double? lastHeight)
    {
        var reading = SrtTelemetry.ReadFile(Path.Combine(TestPaths.Shared, "testdata", "telemetry", file));

        Assert.Equal(0, reading.Skipped);
        Assert.Equal(count, reading.Samples.Count);
        var (first, last) = (reading.Samples[0], reading.Samples[^1]);
        Assert.Equal((firstLatitude, firstLongitude, firstHeight), (first.Position!.Value.Latitude, first.Position!.Value.Longitude, first.HeightAboveGround));
        Assert.Equal((lastLatitude, lastLongitude, lastHeight), (last.Position!.Value.Latitude, last.Position!.Value.Longitude, last.HeightAboveGround));
    }

    [Fact]
    public void Clocks_video_times_altitudes_and_gimbal_angles_are_read_where_a_format_has_them()
    {
        string Path(string name) => System.IO.Path.Combine(TestPaths.Shared, "testdata", "telemetry", name);
        var mavic3 = SrtTelemetry.ReadFile(Path("dji__MAVIC3.srt")).Samples[0];
        Assert.Equal(new DateTime(2021, 12, 25, 12, 27, 52, 373), mavic3.LocalTime);
        Assert.Null(mavic3.Time);
        Assert.Equal(0.401, mavic3.Altitude);

        var air2s = SrtTelemetry.ReadFile(Path("dji__air2s.srt")).Samples[^1];
        Assert.Equal(new DateTime(2022, 8, 7, 13, 40, 41, 308), air2s.LocalTime);
        Assert.Equal(TimeSpan.FromMilliseconds(533), air2s.VideoTime);
        Assert.Equal(117.1, air2s.Altitude);

        var rtk = SrtTelemetry.ReadFile(Path("dji__p4_rtk.SRT")).Samples[0];
        Assert.Equal(NoClock, rtk.LocalTime);
        Assert.Equal((-24.4, 0.0, 110.4), (rtk.Sensor.Pitch!.Value, rtk.Sensor.Roll!.Value, rtk.Sensor.Yaw!.Value));
        Assert.Equal((2.7, -7.0, 110.1), (rtk.Platform.Pitch!.Value, rtk.Platform.Roll!.Value, rtk.Platform.Yaw!.Value));
        Assert.True(rtk.GimbalIsEarthReferenced);

        var matrice = SrtTelemetry.ReadFile(Path("dji__matrice_300.srt")).Samples[^1];
        Assert.Equal(new DateTime(2022, 6, 21, 16, 12, 37), matrice.LocalTime);
    }

    [Fact]
    public void A_damaged_block_is_skipped_and_counted_and_the_rest_is_read()
    {
        var reading = SrtTelemetry.Parse("""
            1
            00:00:00,000 --> 00:00:01,000
            GPS (8.2090, 47.4692, 18), H 45.60m

            2
            00:00:01,0
            GPS (8.20

            3
            00:00:02,000 --> 00:00:03,000
            F/3.2, no position here
            """);

        Assert.Equal(2, reading.Skipped);
        Assert.Equal(47.4692, Assert.Single(reading.Samples).Position?.Latitude);
    }

    [Fact]
    public void Values_no_aircraft_reports_refuse_their_block_and_are_counted_not_used()
    {
        static string Block(int n, string fields) => $"{n}\n00:00:0{n},000 --> 00:00:0{n + 1},000\n{fields}\n\n";
        var reading = SrtTelemetry.Parse(
            Block(1, "[latitude: 999] [longitude: 35.1]") + Block(2, "[latitude: 1e308] [longitude: 35.1]") + Block(3, "GPS(999,-999,10)")
            + Block(4, "[latitude: -1.2] [longitude: 35.1] [gb_pitch: -1e309]") + Block(5, "[latitude: -1.2] [longitude: 35.1] [rel_alt: 1e7 abs_alt: 100]")
            + Block(6, "[latitude: -1.25] [longitude: 35.1] [rel_alt: 50 abs_alt: 100] [gb_pitch: -90.0]"));

        Assert.Equal((5, 0), (reading.Implausible, reading.Skipped));
        Assert.Equal(-1.25, Assert.Single(reading.Samples).Position?.Latitude);
    }
}
