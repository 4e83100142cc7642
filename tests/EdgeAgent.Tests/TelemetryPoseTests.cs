namespace EdgeAgent.Tests;

using EdgeAgent.Common.Observations;
using EdgeAgent.Telemetry;

/// <summary>Platform and sensor angles composed into the camera's pose, on cases worked out by hand.</summary>
public sealed class TelemetryPoseTests
{
    private static PoseSample Sample(double heading, double pitch, double roll, double azimuth, double elevation, bool earth = false) => new()
    {
        Time = DateTimeOffset.UnixEpoch,
        Position = new GeoPosition(-1.4, 35.1),
        HeightAboveGround = 100,
        Platform = new(heading, pitch, roll),
        Sensor = new(azimuth, elevation, 0),
        GimbalIsEarthReferenced = earth,
        HorizontalFieldOfView = 60,
    };

    [Fact]
    public void A_sensor_turned_60_degrees_right_of_a_platform_heading_30_looks_east()
    {
        var pose = TelemetryPose.ToCameraPose(Sample(heading: 30, pitch: 0, roll: 0, azimuth: 60, elevation: -45))!;

        Assert.Equal(90, pose.Heading!.Value, 9);
        Assert.Equal(45, pose.Tilt!.Value, 9);
        Assert.Equal(0, pose.Roll, 9);

        // 100 m up, 45° down: the image centre is 100 m east.
        var centre = TelemetryPose.FrameCenter(Sample(heading: 30, pitch: 0, roll: 0, azimuth: 60, elevation: -45))!.Value;
        Assert.Equal(35.1 + (100 / (6_371_000 * Math.Cos(-1.4 * Math.PI / 180)) * 180 / Math.PI), centre.Longitude, 9);
        Assert.Equal(-1.4, centre.Latitude, 9);
    }

    [Fact]
    public void A_platform_pitched_10_degrees_up_raises_a_sensor_looking_ahead_by_as_much()
    {
        var pose = TelemetryPose.ToCameraPose(Sample(heading: 0, pitch: 10, roll: 0, azimuth: 0, elevation: -40))!;

        Assert.Equal(30, pose.Tilt!.Value, 9);
        Assert.Equal(0, pose.Heading!.Value, 9);
    }

    [Fact]
    public void An_earth_referenced_gimbal_ignores_the_platforms_attitude_and_straight_down_has_no_horizon()
    {
        var pose = TelemetryPose.ToCameraPose(Sample(heading: 200, pitch: 12, roll: -8, azimuth: 45, elevation: -90, earth: true))!;

        Assert.Equal(90, pose.Tilt!.Value, 6);
        var centre = TelemetryPose.FrameCenter(Sample(heading: 200, pitch: 12, roll: -8, azimuth: 45, elevation: -90, earth: true))!.Value;
        Assert.Equal((-1.4, 35.1), (Math.Round(centre.Latitude, 9), Math.Round(centre.Longitude, 9)));
        Assert.Null(TelemetryPose.FrameCenter(Sample(heading: 0, pitch: 0, roll: 0, azimuth: 0, elevation: 5, earth: true)));
    }
}
