namespace EdgeAgent.Tests;

using EdgeAgent.Common.Observations;
using EdgeAgent.Placement;

/// <summary>The place stage's geometry against cases worked out by hand (flat earth, R = 6 371 km).</summary>
public sealed class GroundProjectionTests
{
    private static readonly GeoPosition Camera = new(-1.4, 35.1);

    // 10 m up, 90° horizontal field of view on a 1000×1000 frame: f = 500 px.
    private static CameraPose Pose(double heading, double tilt) => new(Camera, HeightAboveGround: 10, Heading: heading, Tilt: tilt, HorizontalFieldOfView: 90);

    [Fact]
    public void The_optical_axis_of_a_camera_looking_east_45_degrees_down_meets_the_ground_10_m_east()
    {
        var (position, _) = GroundProjection.Project(Pose(heading: 90, tilt: 45), 500, 500, 1000, 1000)!.Value;

        // 10 m east at latitude −1.4°: 10 / (6 371 000 · cos 1.4°) rad = 0.0000899590°.
        Assert.Equal(-1.4, position.Latitude, 9);
        Assert.Equal(35.1000899590, position.Longitude, 9);
    }

    [Fact]
    public void The_bottom_edge_of_that_camera_looks_straight_down()
    {
        // 500 px below the centre at f = 500 px is 45° further down: 90°, the point under the camera.
        var (position, uncertainty) = GroundProjection.Project(Pose(heading: 90, tilt: 45), 500, 1000, 1000, 1000)!.Value;

        Assert.Equal(Camera.Latitude, position.Latitude, 9);
        Assert.Equal(Camera.Longitude, position.Longitude, 9);
        Assert.Equal(10 * Math.PI / 180, uncertainty, 6);
    }

    [Fact]
    public void Looking_straight_down_north_up_the_right_edge_is_as_far_east_as_the_camera_is_high()
    {
        var (position, _) = GroundProjection.Project(Pose(heading: 0, tilt: 90), 1000, 500, 1000, 1000)!.Value;
        var (top, _) = GroundProjection.Project(Pose(heading: 0, tilt: 90), 500, 0, 1000, 1000)!.Value;

        Assert.Equal(35.1000899590, position.Longitude, 9);
        Assert.Equal(Camera.Latitude, position.Latitude, 9);

        // The top of the picture points along the heading: 10 m north.
        Assert.Equal(-1.3999100678, top.Latitude, 9);
        Assert.Equal(Camera.Longitude, top.Longitude, 9);
    }

    [Fact]
    public void A_ray_at_the_horizon_has_no_ground_point_and_the_detection_is_placed_at_the_camera()
    {
        Assert.Null(GroundProjection.Project(Pose(heading: 0, tilt: 0), 500, 500, 1000, 1000));
        Assert.Null(GroundProjection.Project(Pose(heading: 0, tilt: 10), 500, 0, 1000, 1000));

        var placed = GroundProjection.Place(Pose(heading: 0, tilt: 0), new BoundingBox(450, 400, 100, 100), 1000, 1000);
        Assert.Equal(new Placement(Camera, CameraPose.DefaultRange, PlacedBy.Camera), placed);
    }

    [Fact]
    public void A_box_is_placed_where_its_bottom_centre_stands()
    {
        // The box's bottom centre is the image centre: the optical axis, 10 m east.
        var placed = GroundProjection.Place(Pose(heading: 90, tilt: 45), new BoundingBox(450, 300, 100, 200), 1000, 1000);

        Assert.Equal(PlacedBy.Ground, placed.By);
        Assert.Equal(35.1000899590, placed.Position!.Value.Longitude, 9);

        // Along the ray: 1° at 45° down from 10 m is 10·(π/180)/sin²45° = 0.349 m; across: 10 m·(π/180) = 0.175 m; 5 % of 10 m = 0.5 m.
        Assert.Equal(Math.Sqrt((0.3491 * 0.3491) + (0.1745 * 0.1745) + (0.5 * 0.5)), placed.Uncertainty!.Value, 3);
    }

    [Fact]
    public void A_camera_without_height_tilt_or_field_of_view_places_at_itself_and_no_pose_places_nowhere()
    {
        var box = new BoundingBox(450, 300, 100, 200);
        Assert.Equal(new Placement(Camera, 30, PlacedBy.Camera), GroundProjection.Place(new CameraPose(Camera, Heading: 90), box, 1000, 1000));
        Assert.Equal(Placement.Nowhere, GroundProjection.Place(null, box, 1000, 1000));
    }
}
