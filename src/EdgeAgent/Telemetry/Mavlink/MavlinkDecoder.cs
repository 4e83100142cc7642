namespace EdgeAgent.Telemetry.Mavlink;

using System.Buffers.Binary;
using EdgeAgent.Common.Observations;

/// <summary>
/// MAVLink 2 (ArduPilot, PX4): frames checked with their CRC and the message's CRC_EXTRA and, with a
/// signing key, their signature; and the four messages that say where the aircraft and its camera are
/// and look — GLOBAL_POSITION_INT (33), ATTITUDE (30), GIMBAL_DEVICE_ATTITUDE_STATUS (285) and
/// CAMERA_FOV_STATUS (271) — folded into the latest pose. Other messages are skipped; a frame that
/// fails its CRC or its signature is counted and never trusted, and the reader looks for the next
/// frame from the byte after its start, so junk before a good frame costs only the junk.
/// </summary>
public sealed class MavlinkDecoder(byte[]? signingKey = null) : ILiveTelemetryDecoder
{
    private const byte Magic = 0xFD;
    private const int SignatureLength = 13;

    // Gimbal device flags (common.xml): YAW_LOCK 16 (legacy: yaw held in the earth frame), YAW_IN_VEHICLE_FRAME 32, YAW_IN_EARTH_FRAME 64.
    private const ushort YawLock = 16;
    private const ushort YawInVehicleFrame = 32;
    private const ushort YawInEarthFrame = 64;

    // CRC_EXTRA of each message taken, from its definition (a CRC over its name and fields).
    private static readonly Dictionary<int, byte> CrcExtras = new() { [30] = 39, [33] = 104, [271] = 22, [285] = 137 };

    private GeoPosition? _position;
    private double? _altitude;
    private double? _height;
    private double? _attitudeYaw;
    private double? _positionHeading;
    private double? _pitch;
    private double? _roll;
    private (double Roll, double Pitch, double Yaw, bool EarthYaw)? _gimbal;
    private double? _hfov;
    private double? _vfov;
    private GeoPosition? _imageCentre;

    /// <summary>The latest signature timestamp per (system, component, link): a replayed frame is not newer.</summary>
    private readonly Dictionary<(byte System, byte Component, byte Link), ulong> _signedUpTo = [];

    /// <summary>Frames whose CRC did not match.</summary>
    public int CrcFailures { get; private set; }

    /// <summary>Frames refused for their signature: unsigned, signed with another key, or replayed (with a signing key).</summary>
    public int SignatureFailures { get; private set; }

    /// <summary>Signed frames taken unchecked, for want of a signing key.</summary>
    public int UncheckedSignatures { get; private set; }

    /// <inheritdoc />
    public int Rejected => CrcFailures + SignatureFailures;

    private double? Heading => _attitudeYaw ?? _positionHeading;

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
            var total = 10 + length + 2 + (signed ? SignatureLength : 0);
            var id = data[at + 7] | (data[at + 8] << 8) | (data[at + 9] << 16);

            // A frame that does not fit, or that is not one of ours, may be junk that happens to start
            // with the magic byte: look again from the next byte rather than skip a good frame.
            if (at + total > data.Length || !CrcExtras.TryGetValue(id, out var crcExtra))
            {
                at++;
                continue;
            }

            var frame = data.Slice(at, total);
            if (Crc(frame.Slice(1, 9 + length), crcExtra) != BinaryPrimitives.ReadUInt16LittleEndian(frame.Slice(10 + length, 2)))
            {
                CrcFailures++;
                at++;
                continue;
            }

            if (!SignatureAccepted(frame, signed, length))
            {
                SignatureFailures++;
                at += total;
                continue;
            }

            // MAVLink 2 drops trailing zero bytes of a payload: put them back.
            payload.Clear();
            frame.Slice(10, length).CopyTo(payload);
            Apply(id, payload);
            Frames++;
            changed = true;
            at += total;
        }

        return changed;
    }

    /// <summary>
    /// With a signing key, only a frame signed with it (the first 48 bits of SHA-256 over the key, the
    /// header, payload and CRC, the link id and the timestamp) and newer than the last from its sender
    /// and link is taken; without one, any frame is, its signature unchecked.
    /// </summary>
    private bool SignatureAccepted(ReadOnlySpan<byte> frame, bool signed, int length)
    {
        if (signingKey is null)
        {
            UncheckedSignatures += signed ? 1 : 0;
            return true;
        }

        if (!signed)
        {
            return false;
        }

        var signature = frame[^SignatureLength..];
        Span<byte> digest = stackalloc byte[32];
        using (var sha = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256))
        {
            sha.AppendData(signingKey);
            sha.AppendData(frame[..(10 + length + 2)]);
            sha.AppendData(signature[..7]);
            sha.GetHashAndReset(digest);
        }

        if (!System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(digest[..6], signature[7..]))
        {
            return false;
        }

        Span<byte> stamp = stackalloc byte[8];
        signature.Slice(1, 6).CopyTo(stamp);
        var timestamp = BinaryPrimitives.ReadUInt64LittleEndian(stamp);
        var sender = (frame[5], frame[6], signature[0]);
        if (_signedUpTo.TryGetValue(sender, out var last) && timestamp <= last)
        {
            return false;
        }

        _signedUpTo[sender] = timestamp;
        return true;
    }

    /// <summary>The latest pose, stamped <paramref name="now"/>, or null until a position has come.</summary>
    public PoseSample? Latest(DateTimeOffset now)
    {
        if (_position is null)
        {
            return null;
        }

        var gimbalYaw = _gimbal is { } g ? (g.EarthYaw ? g.Yaw : g.Yaw + (Heading ?? double.NaN)) : (double?)null;
        return new PoseSample
        {
            Time = now,
            Position = _position,
            Altitude = _altitude,
            HeightAboveGround = _height,
            Platform = new(Heading, _pitch, _roll),

            // The gimbal's pitch and roll are held against the horizon; its yaw as its flags say.
            Sensor = new(gimbalYaw is { } y && !double.IsNaN(y) ? (y + 360) % 360 : null, _gimbal?.Pitch, _gimbal?.Roll),
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
                _position = new GeoPosition(BinaryPrimitives.ReadInt32LittleEndian(p[4..]) / 1e7, BinaryPrimitives.ReadInt32LittleEndian(p[8..]) / 1e7);
                _altitude = BinaryPrimitives.ReadInt32LittleEndian(p[12..]) / 1000.0;
                _height = BinaryPrimitives.ReadInt32LittleEndian(p[16..]) / 1000.0;
                // UINT16_MAX: the heading is not known (any more).
                var hdg = BinaryPrimitives.ReadUInt16LittleEndian(p[26..]);
                _positionHeading = hdg == ushort.MaxValue ? null : hdg / 100.0;

                break;
            case 30: // ATTITUDE: time, roll, pitch, yaw (rad), rates
                _roll = double.RadiansToDegrees(BinaryPrimitives.ReadSingleLittleEndian(p[4..]));
                _pitch = double.RadiansToDegrees(BinaryPrimitives.ReadSingleLittleEndian(p[8..]));
                // The vehicle's yaw, as often as the autopilot sends it: it is the heading, before GLOBAL_POSITION_INT's.
                _attitudeYaw = (double.RadiansToDegrees(BinaryPrimitives.ReadSingleLittleEndian(p[12..])) + 360) % 360;
                break;
            case 285: // GIMBAL_DEVICE_ATTITUDE_STATUS: time, q[4], angular velocity ×3, failure flags, flags, target ×2
                var (roll, pitch, yaw) = Euler(p[4..20]);
                // The frame flags win; without them, the legacy YAW_LOCK means the earth frame.
                var flags = BinaryPrimitives.ReadUInt16LittleEndian(p[36..]);
                var earthYaw = (flags & YawInVehicleFrame) == 0 && (flags & (YawInEarthFrame | YawLock)) != 0;
                _gimbal = (roll, pitch, yaw, earthYaw);
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
