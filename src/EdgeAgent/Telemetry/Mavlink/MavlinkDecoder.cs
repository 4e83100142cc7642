namespace EdgeAgent.Telemetry.Mavlink;

using System.Buffers.Binary;
using EdgeAgent.Alerting.Observations;

/// <summary>
/// MAVLink 2 (ArduPilot, PX4): frames checked with their CRC and the message's CRC_EXTRA, and the four
/// messages that say where the aircraft and its camera are and look — GLOBAL_POSITION_INT (33),
/// ATTITUDE (30), GIMBAL_DEVICE_ATTITUDE_STATUS (285) and CAMERA_FOV_STATUS (271) — folded into the
/// latest pose. Other messages are skipped; a frame that fails its CRC is counted and never trusted.
/// </summary>
public sealed class MavlinkDecoder : ILiveTelemetryDecoder
{
    private const byte Magic = 0xFD;

    // Gimbal device flags: yaw held in the earth frame (YAW_LOCK, and YAW_IN_EARTH_FRAME of newer releases).
    private const ushort YawInEarthFrame = 16 | 64;

    // CRC_EXTRA of each message taken, from its definition (a CRC over its name and fields).
    private static readonly Dictionary<int, byte> CrcExtras = new() { [30] = 39, [33] = 104, [271] = 22, [285] = 137 };

    private double? _latitude;
    private double? _longitude;
    private double? _altitude;
    private double? _height;
    private double? _heading;
    private double? _pitch;
    private double? _roll;
    private (double Roll, double Pitch, double Yaw, bool EarthYaw)? _gimbal;
    private double? _hfov;
    private double? _vfov;
    private GeoPosition? _imageCentre;

    /// <summary>Frames whose CRC did not match.</summary>
    public int CrcFailures { get; private set; }

    /// <summary>Frames of the four messages taken.</summary>
    public int Frames { get; private set; }

    /// <summary>Reads every frame in a datagram or buffer; true when any changed the pose.</summary>
    public bool Read(ReadOnlySpan<byte> data)
    {
        var changed = false;
        var at = 0;
        Span<byte> payload = stackalloc byte[255];
        while (at + 12 <= data.Length)
        {
            if (data[at] != Magic)
            {
                at++;
                continue;
            }

            var length = data[at + 1];
            var signed = (data[at + 2] & 0x01) != 0;
            var total = 10 + length + 2 + (signed ? 13 : 0);
            if (at + total > data.Length)
            {
                return changed;
            }

            var id = data[at + 7] | (data[at + 8] << 8) | (data[at + 9] << 16);
            if (CrcExtras.TryGetValue(id, out var crcExtra))
            {
                var crc = Crc(data.Slice(at + 1, 9 + length), crcExtra);
                if (crc != BinaryPrimitives.ReadUInt16LittleEndian(data.Slice(at + 10 + length, 2)))
                {
                    CrcFailures++;
                }
                else
                {
                    // MAVLink 2 drops trailing zero bytes of a payload: put them back.
                    payload.Clear();
                    data.Slice(at + 10, length).CopyTo(payload);
                    Apply(id, payload);
                    Frames++;
                    changed = true;
                }
            }

            at += total;
        }

        return changed;
    }

    /// <summary>The latest pose, stamped <paramref name="now"/>, or null until a position has come.</summary>
    public PoseSample? Latest(DateTimeOffset now)
    {
        if (_latitude is null || _longitude is null)
        {
            return null;
        }

        var gimbalYaw = _gimbal is { } g ? (g.EarthYaw ? g.Yaw : g.Yaw + (_heading ?? double.NaN)) : (double?)null;
        return new PoseSample
        {
            Time = now,
            Latitude = _latitude,
            Longitude = _longitude,
            Altitude = _altitude,
            HeightAboveGround = _height,
            PlatformHeading = _heading,
            PlatformPitch = _pitch,
            PlatformRoll = _roll,

            // The gimbal's pitch and roll are held against the horizon; its yaw as its flags say.
            SensorAzimuth = gimbalYaw is { } y && !double.IsNaN(y) ? (y + 360) % 360 : null,
            SensorElevation = _gimbal?.Pitch,
            SensorRoll = _gimbal?.Roll,
            GimbalIsEarthReferenced = true,
            HorizontalFieldOfView = _hfov,
            VerticalFieldOfView = _vfov,
            ReportedFrameCenter = _imageCentre,
        };
    }

    /// <summary>MAVLink's CRC-16/MCRF4XX over the header (without the magic byte) and payload, then the message's CRC_EXTRA.</summary>
    public static ushort Crc(ReadOnlySpan<byte> headerAndPayload, byte crcExtra)
    {
        ushort crc = 0xFFFF;
        foreach (var b in headerAndPayload)
        {
            crc = Accumulate(b, crc);
        }

        return Accumulate(crcExtra, crc);
    }

    private static ushort Accumulate(byte b, ushort crc)
    {
        var tmp = (byte)(b ^ (byte)(crc & 0xFF));
        tmp ^= (byte)(tmp << 4);
        return (ushort)((crc >> 8) ^ (tmp << 8) ^ (tmp << 3) ^ (tmp >> 4));
    }

    private static (double Roll, double Pitch, double Yaw) Euler(ReadOnlySpan<byte> q)
    {
        var (w, x, y, z) = (BinaryPrimitives.ReadSingleLittleEndian(q), BinaryPrimitives.ReadSingleLittleEndian(q[4..]), BinaryPrimitives.ReadSingleLittleEndian(q[8..]), BinaryPrimitives.ReadSingleLittleEndian(q[12..]));
        return (
            double.RadiansToDegrees(Math.Atan2(2 * ((w * x) + (y * z)), 1 - (2 * ((x * x) + (y * y))))),
            double.RadiansToDegrees(Math.Asin(Math.Clamp(2 * ((w * y) - (z * x)), -1, 1))),
            double.RadiansToDegrees(Math.Atan2(2 * ((w * z) + (x * y)), 1 - (2 * ((y * y) + (z * z))))));
    }

    private void Apply(int id, ReadOnlySpan<byte> p)
    {
        switch (id)
        {
            case 33: // GLOBAL_POSITION_INT: time, lat, lon (degE7), alt, relative_alt (mm), vx, vy, vz, hdg (cdeg)
                _latitude = BinaryPrimitives.ReadInt32LittleEndian(p[4..]) / 1e7;
                _longitude = BinaryPrimitives.ReadInt32LittleEndian(p[8..]) / 1e7;
                _altitude = BinaryPrimitives.ReadInt32LittleEndian(p[12..]) / 1000.0;
                _height = BinaryPrimitives.ReadInt32LittleEndian(p[16..]) / 1000.0;
                var hdg = BinaryPrimitives.ReadUInt16LittleEndian(p[26..]);
                if (hdg != ushort.MaxValue)
                {
                    _heading = hdg / 100.0;
                }

                break;
            case 30: // ATTITUDE: time, roll, pitch, yaw (rad), rates
                _roll = double.RadiansToDegrees(BinaryPrimitives.ReadSingleLittleEndian(p[4..]));
                _pitch = double.RadiansToDegrees(BinaryPrimitives.ReadSingleLittleEndian(p[8..]));
                _heading ??= (double.RadiansToDegrees(BinaryPrimitives.ReadSingleLittleEndian(p[12..])) + 360) % 360;
                break;
            case 285: // GIMBAL_DEVICE_ATTITUDE_STATUS: time, q[4], angular velocity ×3, failure flags, flags, target ×2
                var (roll, pitch, yaw) = Euler(p[4..20]);
                var flags = BinaryPrimitives.ReadUInt16LittleEndian(p[36..]);
                _gimbal = (roll, pitch, yaw, (flags & YawInEarthFrame) != 0);
                break;
            case 271: // CAMERA_FOV_STATUS: time, camera lat/lon/alt, image-centre lat/lon/alt, q[4], hfov, vfov (deg)
                var latImage = BinaryPrimitives.ReadInt32LittleEndian(p[16..]);
                var lonImage = BinaryPrimitives.ReadInt32LittleEndian(p[20..]);
                _imageCentre = latImage == int.MaxValue || lonImage == int.MaxValue ? null : new GeoPosition(latImage / 1e7, lonImage / 1e7);
                var hfov = BinaryPrimitives.ReadSingleLittleEndian(p[44..]);
                var vfov = BinaryPrimitives.ReadSingleLittleEndian(p[48..]);
                _hfov = float.IsNaN(hfov) || hfov <= 0 ? _hfov : hfov;
                _vfov = float.IsNaN(vfov) || vfov <= 0 ? _vfov : vfov;
                break;
        }
    }
}
