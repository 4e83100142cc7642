namespace EdgeAgent.Telemetry;

using EdgeAgent.Common.Observations;
using EdgeAgent.Placement;

/// <summary>
/// Turns a telemetry sample into the camera's pose: the sensor's direction in north-east-down is the
/// platform's rotation (heading, pitch, roll) followed by the sensor's rotation relative to it
/// (azimuth, elevation, roll) — MISB ST 0601's order — or, for an earth-referenced gimbal (DJI),
/// the gimbal's own yaw, pitch and roll; heading, tilt and roll of the camera are read back from it.
/// </summary>
public static class TelemetryPose
{
    /// <summary>The camera pose of a sample, or null without a position.</summary>
    public static CameraPose? ToCameraPose(PoseSample sample, double range = CameraPose.DefaultRange)
    {
        ArgumentNullException.ThrowIfNull(sample);
        if (sample.Position is not { } position)
        {
            return null;
        }

        double[,] r;
        if (sample.GimbalIsEarthReferenced)
        {
            r = Euler(sample.Sensor with { Yaw = sample.Sensor.Yaw ?? sample.Platform.Yaw }, unknownPitch: double.NaN);
        }
        else
        {
            r = Multiply(Euler(sample.Platform, unknownPitch: 0), Euler(sample.Sensor, unknownPitch: double.NaN));
        }

        var heading = double.RadiansToDegrees(Math.Atan2(r[1, 0], r[0, 0]));
        var pitch = double.RadiansToDegrees(Math.Asin(Math.Clamp(-r[2, 0], -1, 1)));
        var roll = double.RadiansToDegrees(Math.Atan2(r[2, 1], r[2, 2]));
        static double? Known(double value) => double.IsNaN(value) ? null : value;
        return new CameraPose(
            position,
            sample.HeightAboveGround,
            Known(heading) is { } h ? (h + 360) % 360 : null,
            Known(-pitch),
            Known(roll) ?? 0,
            sample.HorizontalFieldOfView,
            range);
    }

    /// <summary>Where the image centre meets the ground by this agent's projection, or null.</summary>
    public static GeoPosition? FrameCenter(PoseSample sample) =>
        ToCameraPose(sample) is { } pose && GroundProjection.Project(pose, 500, 500, 1000, 1000) is { } ground ? ground.Position : null;

    /// <summary>
    /// Rz(yaw)·Ry(pitch)·Rx(roll), angles in degrees. An unknown yaw leaves the direction unknown
    /// (NaN) and an unknown roll is level; an unknown pitch is <paramref name="unknownPitch"/>: level
    /// for the aircraft, unknown for the sensor, whose elevation is what the direction hangs on.
    /// </summary>
    private static double[,] Euler(Attitude attitude, double unknownPitch)
    {
        var (yaw, pitch, roll) = (attitude.Yaw ?? double.NaN, attitude.Pitch ?? unknownPitch, attitude.Roll ?? 0);
        var (cy, sy) = (Math.Cos(double.DegreesToRadians(yaw)), Math.Sin(double.DegreesToRadians(yaw)));
        var (cp, sp) = (Math.Cos(double.DegreesToRadians(pitch)), Math.Sin(double.DegreesToRadians(pitch)));
        var (cr, sr) = (Math.Cos(double.DegreesToRadians(roll)), Math.Sin(double.DegreesToRadians(roll)));
        return new[,]
        {
            { cy * cp, (cy * sp * sr) - (sy * cr), (cy * sp * cr) + (sy * sr) },
            { sy * cp, (sy * sp * sr) + (cy * cr), (sy * sp * cr) - (cy * sr) },
            { -sp, cp * sr, cp * cr },
        };
    }

    private static double[,] Multiply(double[,] a, double[,] b)
    {
        var c = new double[3, 3];
        for (var i = 0; i < 3; i++)
        {
            for (var j = 0; j < 3; j++)
            {
                c[i, j] = (a[i, 0] * b[0, j]) + (a[i, 1] * b[1, j]) + (a[i, 2] * b[2, j]);
            }
        }

        return c;
    }
}
