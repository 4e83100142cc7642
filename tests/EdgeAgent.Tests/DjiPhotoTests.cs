namespace EdgeAgent.Tests;

using EdgeAgent.Common.Observations;
using EdgeAgent.Placement;
using EdgeAgent.Telemetry;
using EdgeAgent.Telemetry.Dji;
using EdgeAgent.Testing;

/// <summary>The real DJI Phantom 4 Pro photo of the pelican colony: its pose, and where a detection in it lies on the ground.</summary>
public sealed class DjiPhotoTests
{
    private static readonly string Photo = TestPaths.Picture(Path.Combine(TestPaths.Shared, "testdata", "drone"), "deepforest__AWPE_Pigeon_Lake_2020_DJI_0005.JPG");

    [Fact]
    public void The_photo_gives_its_position_height_and_gimbal_angles()
    {
        var sample = DjiPhoto.Read(Photo)!;

        Assert.Equal(45.0379917, sample.Position!.Value.Latitude, 6);
        Assert.Equal(-94.3487583, sample.Position!.Value.Longitude, 6);
        Assert.Equal(61.1, sample.HeightAboveGround);
        Assert.Equal((-88.0, 0.0, 111.3), (sample.Sensor.Pitch!.Value, sample.Sensor.Roll!.Value, sample.Sensor.Yaw!.Value));
        Assert.True(sample.GimbalIsEarthReferenced);

        // CalibratedFocalLength 3666.67 px over the 1058-px-wide crop: 2·atan(529 / 3666.67) = 16.42°.
        Assert.Equal(16.419, sample.HorizontalFieldOfView!.Value, 3);
        Assert.Equal(new DateTime(2020, 6, 4, 22, 10, 30), sample.LocalTime);
        Assert.Null(sample.Time);
    }

    [Fact]
    public void A_detection_at_the_right_edge_lies_about_9_m_to_the_right_of_the_point_the_camera_looks_at()
    {
        var pose = TelemetryPose.ToCameraPose(DjiPhoto.Read(Photo)!)!;

        // Image centre: 2° off nadir from 61.1 m is 61.1 / tan 88° = 2.13 m along the gimbal yaw (111.3°).
        // The middle of the right edge is atan(529 / 3666.67) = 8.21° further, to the right of the yaw
        // (201.3°): 61.1 · tan 8.21° = 8.82 m. North: 2.13·cos 111.3° + 8.82·cos 201.3° = −8.99 m;
        // east: 2.13·sin 111.3° + 8.82·sin 201.3° = −1.22 m.
        var placed = GroundProjection.Place(pose, new BoundingBox(1048, 478.5f, 20, 20), 1058, 997);

        Assert.Equal(PlacedBy.Ground, placed.By);
        var north = (placed.Position!.Value.Latitude - 45.0379917) * Math.PI / 180 * GroundProjection.EarthRadius;
        var east = (placed.Position!.Value.Longitude - -94.3487583) * Math.PI / 180 * GroundProjection.EarthRadius * Math.Cos(45.038 * Math.PI / 180);
        Assert.InRange(north, -9.3, -8.7);
        Assert.InRange(east, -1.5, -0.9);
    }
}
