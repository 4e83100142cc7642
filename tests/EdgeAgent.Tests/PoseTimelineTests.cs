namespace EdgeAgent.Tests;

using EdgeAgent.Common.Observations;
using EdgeAgent.Telemetry;
using EdgeAgent.Testing;

/// <summary>Frames between telemetry samples, and frames far from any.</summary>
public sealed class PoseTimelineTests
{
    private static PoseSample At(double latitude, double yaw) => new()
    {
        Position = new GeoPosition(latitude, 35.1),
        HeightAboveGround = 50,
        Sensor = new(yaw, -90, null),
        GimbalIsEarthReferenced = true,
    };

    private static PoseTimeline Timeline() => new(
        [(TimeSpan.FromSeconds(1), At(-1.2, 350)), (TimeSpan.FromSeconds(2), At(-1.3, 10))],
        new StreamTelemetryOptions { HorizontalFieldOfView = 60, MaxAge = TimeSpan.FromSeconds(2) });

    [Fact]
    public void A_frame_between_two_samples_gets_them_interpolated_and_the_heading_turns_the_short_way_through_north()
    {
        var pose = Timeline().PoseAt(TimeSpan.FromSeconds(1.25))!;

        Assert.Equal(-1.225, pose.Position.Latitude, 9);
        Assert.Equal(355, pose.Heading!.Value, 6);
        Assert.Equal(60, pose.HorizontalFieldOfView);
    }

    [Fact]
    public void A_frame_within_the_age_limit_of_the_ends_gets_the_nearest_sample_and_beyond_it_none()
    {
        Assert.Equal(-1.2, Timeline().PoseAt(TimeSpan.Zero)!.Position.Latitude);
        Assert.Equal(-1.3, Timeline().PoseAt(TimeSpan.FromSeconds(3.5))!.Position.Latitude);
        Assert.Null(Timeline().PoseAt(TimeSpan.FromSeconds(4.5)));
    }

    [Fact]
    public void An_altitude_above_sea_level_becomes_a_height_above_the_configured_ground_and_one_above_take_off_does_not()
    {
        var options = new StreamTelemetryOptions { HorizontalFieldOfView = 60, GroundElevation = 1550 };
        var msl = At(-1.2, 0) with { HeightAboveGround = null, Altitude = 1650, AltitudeReference = AltitudeReference.MeanSeaLevel };

        Assert.Equal(100, options.Complete(msl).HeightAboveGround);
        Assert.Null(options.Complete(msl with { AltitudeReference = AltitudeReference.TakeOff }).HeightAboveGround);
        Assert.Equal(50, options.Complete(At(-1.2, 0) with { Altitude = 1650 }).HeightAboveGround);
        Assert.Null(new StreamTelemetryOptions().Complete(msl).HeightAboveGround);
    }

    [Fact]
    public void A_recorded_flight_with_misb_time_stamps_knows_when_it_began_and_one_with_dji_local_time_does_not()
    {
        static string Shared(string folder, string name) => TestPaths.Picture(Path.Combine(TestPaths.Shared, "testdata", folder), name);
        var klv = Shared("drone", "aphill_klv_10s.ts");
        var options = new StreamTelemetryOptions { Kind = TelemetryKind.Klv };

        // The first packet's precision time stamp is the video's start (the timeline counts from its PTS).
        var first = EdgeAgent.Telemetry.Klv.KlvTelemetry.ReadFile(klv).Samples[0].Sample.Time!.Value;
        Assert.Equal(first, PoseTimeline.Load(klv, options).VideoStart);
        Assert.InRange(first.Year, 2000, DateTimeOffset.UtcNow.Year);

        // DJI subtitles carry a clock, in local time without its zone: not a start to date frames by.
        var srt = new StreamTelemetryOptions { Kind = TelemetryKind.Srt, Path = Shared("telemetry", "dji__MAVIC3.srt"), HorizontalFieldOfView = 80 };
        var timeline = PoseTimeline.Load("flight.mp4", srt);
        Assert.True(timeline.Count > 0);
        Assert.Null(timeline.VideoStart);
    }

    [Theory]
    [InlineData("Africa/Nairobi", "2021-12-25T09:27:52.373Z")]
    [InlineData("Australia/Sydney", "2021-12-25T01:27:52.373Z")]
    [InlineData("America/La_Paz", "2021-12-25T16:27:52.373Z")]
    public void A_dji_flight_is_dated_by_its_local_clock_read_in_the_zone_set_for_it(string zone, string start)
    {
        // The subtitles' first block, at 0 s into the video, says 2021-12-25 12:27:52.373 (local time):
        // UTC+3 in Nairobi, summer time (UTC+11) in Sydney in December, UTC-4 in La Paz.
        var path = TestPaths.Picture(Path.Combine(TestPaths.Shared, "testdata", "telemetry"), "dji__MAVIC3.srt");
        var srt = new StreamTelemetryOptions { Kind = TelemetryKind.Srt, Path = path, HorizontalFieldOfView = 80, TimeZone = zone };

        Assert.Equal(DateTimeOffset.Parse(start, System.Globalization.CultureInfo.InvariantCulture), PoseTimeline.Load("flight.mp4", srt).VideoStart);
    }

    [Fact]
    public void A_time_zone_that_is_not_known_is_refused_at_start()
    {
        var path = TestPaths.Picture(Path.Combine(TestPaths.Shared, "testdata", "telemetry"), "dji__MAVIC3.srt");
        var stream = new EdgeAgent.Sources.StreamOptions
        {
            Id = "DRONE-1",
            Url = path,
            Telemetry = new StreamTelemetryOptions { Kind = TelemetryKind.Srt, Path = path, HorizontalFieldOfView = 80, TimeZone = "Africa/Atlantis" },
        };

        var problem = Assert.Single(stream.Problems());
        Assert.Equal(":Telemetry:TimeZone: 'Africa/Atlantis' is not a known time zone (use an IANA name such as Africa/Nairobi)", problem);
    }
}
