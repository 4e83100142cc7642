namespace EdgeAgent.Tests;

using EdgeAgent.Telemetry.Mavlink;
using EdgeAgent.Testing;

/// <summary>MAVLink 2 frames built from the message definitions, through the decoder.</summary>
public sealed class MavlinkTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 2, 14, 0, TimeSpan.Zero);

    [Fact]
    public void Position_gimbal_and_field_of_view_messages_make_one_pose()
    {
        var decoder = new MavlinkDecoder();
        Assert.Null(decoder.Latest(Now));

        byte[] datagram = [.. MavlinkFrames.GlobalPositionInt(-1.2001, 35.1, 1650.5, 100, 90), .. MavlinkFrames.GimbalDeviceAttitudeStatus(0, -30, 180), .. MavlinkFrames.CameraFovStatus(60, 45)];
        Assert.True(decoder.Read(datagram));

        var pose = decoder.Latest(Now)!;
        Assert.Equal((3, 0), (decoder.Frames, decoder.CrcFailures));
        Assert.Equal(-1.2001, pose.Latitude!.Value, 7);
        Assert.Equal(35.1, pose.Longitude!.Value, 7);
        Assert.Equal(1650.5, pose.Altitude!.Value, 3);
        Assert.Equal(100, pose.HeightAboveGround!.Value, 3);
        Assert.Equal(90, pose.PlatformHeading!.Value, 3);
        Assert.Equal(-30, pose.SensorElevation!.Value, 4);
        Assert.Equal(180, pose.SensorAzimuth!.Value, 4);
        Assert.Equal(0, pose.SensorRoll!.Value, 4);
        Assert.Equal(60, pose.HorizontalFieldOfView!.Value, 4);
        Assert.True(pose.GimbalIsEarthReferenced);
    }

    [Fact]
    public void A_frame_with_a_flipped_byte_fails_its_crc_and_changes_nothing()
    {
        var decoder = new MavlinkDecoder();
        decoder.Read(MavlinkFrames.GlobalPositionInt(-1.2001, 35.1, 1650, 100, 90));
        var damaged = MavlinkFrames.GlobalPositionInt(-1.3, 35.2, 1650, 100, 90);
        damaged[14] ^= 0x01;

        Assert.False(decoder.Read(damaged));

        Assert.Equal(1, decoder.CrcFailures);
        Assert.Equal(-1.2001, decoder.Latest(Now)!.Latitude!.Value, 7);
    }

    [Fact]
    public void A_cut_frame_and_other_messages_are_skipped()
    {
        var decoder = new MavlinkDecoder();
        var heartbeat = new byte[] { 0xFD, 9, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 2, 3, 81, 4, 3, 0x12, 0x34 };
        var position = MavlinkFrames.GlobalPositionInt(-1.2, 35.1, 1650, 100, 90);

        Assert.False(decoder.Read([.. heartbeat, .. position[..^3]]));
        Assert.Equal((0, 0), (decoder.Frames, decoder.CrcFailures));
    }
}
