namespace EdgeAgent.Testing;

using System.Buffers.Binary;
using System.Text;

/// <summary>
/// MAVLink 2 frames built byte by byte from the message definitions (mavlink/mavlink
/// message_definitions/v1.0/common.xml): fields in wire order (largest type first, extensions
/// excluded), CRC_EXTRA computed from the definition, trailing zero bytes of the payload dropped.
/// </summary>
internal static class MavlinkFrames
{
    public static byte[] GlobalPositionInt(double latitude, double longitude, double altitude, double relativeAltitude, double heading) =>
        Frame(33, "GLOBAL_POSITION_INT", [
            ("uint32_t", "time_boot_ms", [1000]), ("int32_t", "lat", [latitude * 1e7]), ("int32_t", "lon", [longitude * 1e7]),
            ("int32_t", "alt", [altitude * 1000]), ("int32_t", "relative_alt", [relativeAltitude * 1000]),
            ("int16_t", "vx", [0]), ("int16_t", "vy", [0]), ("int16_t", "vz", [0]), ("uint16_t", "hdg", [heading * 100])]);

    public static byte[] Attitude(double roll, double pitch, double yaw) =>
        Frame(30, "ATTITUDE", [
            ("uint32_t", "time_boot_ms", [1000]), ("float", "roll", [roll * Math.PI / 180]), ("float", "pitch", [pitch * Math.PI / 180]), ("float", "yaw", [yaw * Math.PI / 180]),
            ("float", "rollspeed", [0]), ("float", "pitchspeed", [0]), ("float", "yawspeed", [0])]);

    /// <summary>A gimbal's attitude from Euler angles in degrees (ZYX); flags 16 (YAW_LOCK) by default: its yaw held in the earth frame.</summary>
    public static byte[] GimbalDeviceAttitudeStatus(double roll, double pitch, double yaw, ushort flags = 16)
    {
        var (r, p, y) = (roll * Math.PI / 360, pitch * Math.PI / 360, yaw * Math.PI / 360);
        var q = new[]
        {
            (Math.Cos(r) * Math.Cos(p) * Math.Cos(y)) + (Math.Sin(r) * Math.Sin(p) * Math.Sin(y)),
            (Math.Sin(r) * Math.Cos(p) * Math.Cos(y)) - (Math.Cos(r) * Math.Sin(p) * Math.Sin(y)),
            (Math.Cos(r) * Math.Sin(p) * Math.Cos(y)) + (Math.Sin(r) * Math.Cos(p) * Math.Sin(y)),
            (Math.Cos(r) * Math.Cos(p) * Math.Sin(y)) - (Math.Sin(r) * Math.Sin(p) * Math.Cos(y)),
        };
        return Frame(285, "GIMBAL_DEVICE_ATTITUDE_STATUS", [
            ("uint8_t", "target_system", [0]), ("uint8_t", "target_component", [0]), ("uint32_t", "time_boot_ms", [1000]), ("uint16_t", "flags", [flags]),
            ("float", "q", q), ("float", "angular_velocity_x", [0]), ("float", "angular_velocity_y", [0]), ("float", "angular_velocity_z", [0]),
            ("uint32_t", "failure_flags", [0])]);
    }

    public static byte[] CameraFovStatus(double horizontal, double vertical) =>
        Frame(271, "CAMERA_FOV_STATUS", [
            ("uint32_t", "time_boot_ms", [1000]), ("int32_t", "lat_camera", [int.MaxValue]), ("int32_t", "lon_camera", [int.MaxValue]), ("int32_t", "alt_camera", [int.MaxValue]),
            ("int32_t", "lat_image", [int.MaxValue]), ("int32_t", "lon_image", [int.MaxValue]), ("int32_t", "alt_image", [int.MaxValue]),
            ("float", "q", [double.NaN, double.NaN, double.NaN, double.NaN]), ("float", "hfov", [horizontal]), ("float", "vfov", [vertical])]);

    /// <summary>
    /// The frame signed (MAVLink 2 message signing): the incompatibility flag set, the CRC made again,
    /// then the link id, the 48-bit timestamp and the first 48 bits of SHA-256 over the key, the frame
    /// and those seven bytes.
    /// </summary>
    public static byte[] Signed(byte[] frame, byte[] key, ulong timestamp, byte link = 1)
    {
        var signed = frame.ToList();
        signed[2] |= 0x01;
        var length = signed[1];
        var id = signed[7] | (signed[8] << 8) | (signed[9] << 16);
        var crc = Crc([Extras[id]], Crc([.. signed.Skip(1).Take(9 + length)]));
        (signed[10 + length], signed[11 + length]) = ((byte)crc, (byte)(crc >> 8));
        var stamp = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(stamp, timestamp);
        signed.Add(link);
        signed.AddRange(stamp[..6]);
        signed.AddRange(System.Security.Cryptography.SHA256.HashData([.. key, .. signed])[..6]);
        return [.. signed];
    }

    private static readonly Dictionary<int, byte> Extras = [];

    private static int Size(string type) => type switch
    {
        "uint32_t" or "int32_t" or "float" => 4,
        "uint16_t" or "int16_t" => 2,
        _ => 1,
    };

    private static byte[] Frame(int id, string name, (string Type, string Name, double[] Values)[] fields)
    {
        // Wire order: by type size, largest first, definition order kept among equals.
        var wire = fields.Select((f, i) => (f, i)).OrderBy(x => -Size(x.f.Type)).ThenBy(x => x.i).Select(x => x.f).ToList();
        var crcExtra = Crc(Encoding.ASCII.GetBytes(name + " "));
        foreach (var (type, field, values) in wire)
        {
            crcExtra = Crc(Encoding.ASCII.GetBytes($"{type} {field} "), crcExtra);
            if (values.Length > 1)
            {
                crcExtra = Crc([(byte)values.Length], crcExtra);
            }
        }

        var extra = (byte)((crcExtra & 0xFF) ^ (crcExtra >> 8));
        Extras[id] = extra;
        var payload = new List<byte>();
        foreach (var (type, _, values) in wire)
        {
            foreach (var v in values)
            {
                var bytes = new byte[Size(type)];
                switch (type)
                {
                    case "float": BinaryPrimitives.WriteSingleLittleEndian(bytes, (float)v); break;
                    case "int32_t": BinaryPrimitives.WriteInt32LittleEndian(bytes, (int)Math.Round(v)); break;
                    case "uint32_t": BinaryPrimitives.WriteUInt32LittleEndian(bytes, (uint)Math.Round(v)); break;
                    case "int16_t": BinaryPrimitives.WriteInt16LittleEndian(bytes, (short)Math.Round(v)); break;
                    case "uint16_t": BinaryPrimitives.WriteUInt16LittleEndian(bytes, (ushort)Math.Round(v)); break;
                    default: bytes[0] = (byte)v; break;
                }

                payload.AddRange(bytes);
            }
        }

        // MAVLink 2 sends the payload without its trailing zero bytes.
        while (payload.Count > 1 && payload[^1] == 0)
        {
            payload.RemoveAt(payload.Count - 1);
        }

        var frame = new List<byte> { 0xFD, (byte)payload.Count, 0, 0, 7, 1, 154, (byte)id, (byte)(id >> 8), (byte)(id >> 16) };
        frame.AddRange(payload);
        var crc = Crc([extra], Crc([.. frame.Skip(1)]));
        frame.Add((byte)crc);
        frame.Add((byte)(crc >> 8));
        return [.. frame];
    }

    private static ushort Crc(byte[] data, ushort crc = 0xFFFF)
    {
        foreach (var b in data)
        {
            var tmp = (byte)(b ^ (byte)crc);
            tmp ^= (byte)(tmp << 4);
            crc = (ushort)((crc >> 8) ^ (tmp << 8) ^ (tmp << 3) ^ (tmp >> 4));
        }

        return crc;
    }
}
