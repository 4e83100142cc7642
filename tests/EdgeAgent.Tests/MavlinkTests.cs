namespace EdgeAgent.Tests;

using System.Net;
using System.Net.Sockets;
using EdgeAgent.Telemetry;
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
        Assert.Equal(-1.2001, pose.Position!.Value.Latitude, 7);
        Assert.Equal(35.1, pose.Position!.Value.Longitude, 7);
        Assert.Equal(1650.5, pose.Altitude!.Value, 3);
        Assert.Equal(100, pose.HeightAboveGround!.Value, 3);
        Assert.Equal(90, pose.Platform.Yaw!.Value, 3);
        Assert.Equal(-30, pose.Sensor.Pitch!.Value, 4);
        Assert.Equal(180, pose.Sensor.Yaw!.Value, 4);
        Assert.Equal(0, pose.Sensor.Roll!.Value, 4);
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
        Assert.Equal(-1.2001, decoder.Latest(Now)!.Position!.Value.Latitude, 7);
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

    [Theory]
    [InlineData(16, 180)] // YAW_LOCK alone (legacy): the earth frame
    [InlineData(64, 180)] // YAW_IN_EARTH_FRAME
    [InlineData(48, 270)] // YAW_LOCK + YAW_IN_VEHICLE_FRAME: the vehicle's frame, added to its heading
    [InlineData(32, 270)] // YAW_IN_VEHICLE_FRAME
    [InlineData(0, 270)] // nothing said: the vehicle's frame
    public void The_gimbals_yaw_is_read_in_the_frame_its_flags_name(ushort flags, double azimuth)
    {
        var decoder = new MavlinkDecoder();
        decoder.Read([.. MavlinkFrames.GlobalPositionInt(-1.2001, 35.1, 1650, 100, 90), .. MavlinkFrames.GimbalDeviceAttitudeStatus(0, -30, 180, flags)]);

        Assert.Equal(azimuth, decoder.Latest(Now)!.Sensor.Yaw!.Value, 3);
    }

    [Fact]
    public void The_heading_follows_every_attitude_and_an_unknown_heading_is_not_kept()
    {
        var decoder = new MavlinkDecoder();
        decoder.Read(MavlinkFrames.GlobalPositionInt(-1.2001, 35.1, 1650, 100, 65));
        Assert.Equal(65, decoder.Latest(Now)!.Platform.Yaw!.Value, 3);

        // GLOBAL_POSITION_INT says the heading is no longer known (UINT16_MAX).
        decoder.Read(MavlinkFrames.GlobalPositionInt(-1.2001, 35.1, 1650, 100, 655.35));
        Assert.Null(decoder.Latest(Now)!.Platform.Yaw);

        decoder.Read(MavlinkFrames.Attitude(0, 0, 90));
        Assert.Equal(90, decoder.Latest(Now)!.Platform.Yaw!.Value, 3);
        decoder.Read(MavlinkFrames.Attitude(0, 0, -90));
        Assert.Equal(270, decoder.Latest(Now)!.Platform.Yaw!.Value, 3);
    }

    [Fact]
    public void A_good_frame_after_a_stray_magic_byte_and_junk_in_the_same_datagram_is_read()
    {
        var decoder = new MavlinkDecoder();
        byte[] junk = [0xFD, 0xF0, 0x00, 0x00, 0x01, 0x01, 0x01, 0x21, 0x00, 0x00, 0x42, 0x13];

        Assert.True(decoder.Read([.. junk, .. MavlinkFrames.GlobalPositionInt(-1.2001, 35.1, 1650, 100, 90)]));
        Assert.Equal(-1.2001, decoder.Latest(Now)!.Position!.Value.Latitude, 7);
    }

    [Fact]
    public void With_a_signing_key_only_frames_it_signed_are_taken_and_a_replay_is_not()
    {
        var key = System.Security.Cryptography.SHA256.HashData("the aircraft's passphrase"u8);
        var other = System.Security.Cryptography.SHA256.HashData("an attacker's"u8);
        var decoder = new MavlinkDecoder(key);
        var here = MavlinkFrames.GlobalPositionInt(-1.2001, 35.1, 1650, 100, 90);
        var elsewhere = MavlinkFrames.GlobalPositionInt(-1.5, 35.4, 1650, 100, 90);

        Assert.True(decoder.Read(MavlinkFrames.Signed(here, key, timestamp: 1_000)));
        Assert.False(decoder.Read(MavlinkFrames.Signed(elsewhere, other, timestamp: 2_000)));
        Assert.False(decoder.Read(elsewhere));
        Assert.False(decoder.Read(MavlinkFrames.Signed(elsewhere, key, timestamp: 1_000)));

        Assert.Equal(-1.2001, decoder.Latest(Now)!.Position!.Value.Latitude, 7);
        Assert.Equal((3, 3), (decoder.SignatureFailures, decoder.Rejected));

        // Without a key a signed frame is taken, its signature unchecked, and counted as such.
        var unkeyed = new MavlinkDecoder();
        Assert.True(unkeyed.Read(MavlinkFrames.Signed(elsewhere, other, timestamp: 3_000)));
        Assert.Equal(1, unkeyed.UncheckedSignatures);
    }

    [Fact]
    public async Task On_the_live_link_a_position_no_aircraft_reports_is_refused_counted_and_the_last_good_pose_kept()
    {
        var refused = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var listener = new LiveTelemetryListener(
            new IPEndPoint(IPAddress.Loopback, 0), new MavlinkDecoder(), new StreamTelemetryOptions { MaxAge = TimeSpan.FromMinutes(1) }, TimeProvider.System, n => refused.TrySetResult(n));
        using var aircraft = new UdpClient();

        // A good pose, then one 95° north (the int32 field holds it; no latitude is): datagrams in order on loopback.
        await aircraft.SendAsync(MavlinkFrames.GlobalPositionInt(-1.2001, 35.1, 1650.5, 100, 90), new IPEndPoint(IPAddress.Loopback, listener.Port));
        await aircraft.SendAsync(MavlinkFrames.GlobalPositionInt(95, 35.1, 1650.5, 100, 90), new IPEndPoint(IPAddress.Loopback, listener.Port));

        Assert.Equal(1, await refused.Task.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(-1.2001, listener.PoseNow()!.Position.Latitude, 7);
    }
}
