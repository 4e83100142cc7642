namespace EdgeAgent.Tests;

using EdgeAgent.Common.Observations;
using EdgeAgent.Telemetry;

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
}
