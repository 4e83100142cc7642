namespace EdgeAgent.Tests;

using EdgeAgent.Telemetry.Klv;
using EdgeAgent.Testing;

/// <summary>
/// MISB ST 0601 from the real test streams. Both sample files carry the standard's own example
/// packet (MISSION01, AF-101, MQ1-B), whose values the standard lists; each expected value below is
/// its stored integer mapped by hand onto the tag's range.
/// </summary>
public sealed class KlvTests
{
    private static string Drone(string name) => TestPaths.Picture(Path.Combine(TestPaths.Shared, "testdata", "drone"), name);

    [Fact]
    public void Asynchronous_carriage_in_h264_decodes_to_the_standards_example_values()
    {
        var reading = KlvTelemetry.ReadFile(Drone("h264_klv.ts"));

        Assert.NotEmpty(reading.Samples);
        Assert.Equal(0, reading.ChecksumFailures);
        var (sample, pts) = reading.Samples[0];
        Assert.Null(pts);
        AssertExample(sample);
    }

    [Fact]
    public void Both_carriages_in_the_tricky_h265_stream_are_found_and_the_synchronous_one_has_presentation_times()
    {
        using var file = File.OpenRead(Drone("h265_tricky_klv.ts"));
        var units = TransportStreamKlv.Read(file).ToList();

        var byStream = units.GroupBy(u => u.Pid).ToList();
        Assert.True(byStream.Count >= 2, $"KLV streams found: {byStream.Count}");
        Assert.Contains(byStream, s => s.All(u => u.Pts is null));
        Assert.Contains(byStream, s => s.All(u => u.Pts is not null));

        var reading = KlvTelemetry.Decode(units.Select(u => (u.Data, u.Pts)));
        Assert.Contains(reading.Samples, s => s.Pts is null);
        Assert.Contains(reading.Samples, s => s.Pts is not null);
        AssertExample(reading.Samples.First(s => s.Sample.SlantRange is not null).Sample);
        Assert.Equal(0, reading.ChecksumFailures);
    }

    [Fact]
    public void A_packet_with_one_flipped_byte_fails_its_checksum_and_is_not_trusted()
    {
        using var file = File.OpenRead(Drone("h264_klv.ts"));
        var data = TransportStreamKlv.Read(file).First().Data;
        var (start, valueStart, end) = KlvPacket.Split(data).First();
        var packet = data[start..end];
        Assert.NotNull(Misb0601.Decode(packet, out _));

        packet[valueStart - start + 40] ^= 0x10;

        Assert.Null(Misb0601.Decode(packet, out var rejection));
        Assert.Equal(KlvRejection.BadChecksum, rejection);
        var reading = KlvTelemetry.Decode([(packet, null)]);
        Assert.Equal((0, 1), (reading.Samples.Count, reading.ChecksumFailures));
    }

    [Fact]
    public void A_live_stream_cut_into_datagrams_anywhere_gives_every_packet_once_and_skips_a_corrupt_one()
    {
        using var file = File.OpenRead(Drone("h264_klv.ts"));
        var units = TransportStreamKlv.Read(file).Take(3).Select(u => u.Data).ToList();
        var corrupt = units[1].ToArray();
        corrupt[60] ^= 0x10;
        byte[] stream = [0x47, 0x00, .. units[0], .. corrupt, .. units[2]];

        // Cut at every place: each whole packet counts once however the bytes came.
        for (var cut = 1; cut < stream.Length; cut += 7)
        {
            var decoder = new KlvStreamDecoder();
            var changes = 0;
            for (var at = 0; at < stream.Length; at += cut)
            {
                changes += decoder.Read(stream.AsSpan(at, Math.Min(cut, stream.Length - at))) ? 1 : 0;
            }

            Assert.Equal(1, decoder.ChecksumFailures);
            Assert.InRange(changes, 1, 2);
            var now = DateTimeOffset.UnixEpoch;
            var latest = decoder.Latest(now)!;
            Assert.Equal(now, latest.Time);
            Assert.Equal(KlvTelemetry.Decode([(units[2], null)]).Samples[0].Sample.Position, latest.Position);
        }
    }

    [Fact]
    public void A_truncated_or_foreign_packet_is_a_named_rejection_not_an_exception()
    {
        Assert.Null(Misb0601.Decode([0x06, 0x0E, 0x2B, 0x34, 0x02, 0x0B, 0x01, 0x01, 0x0E, 0x01, 0x03, 0x01, 0x01, 0, 0, 0, 0x81], out var cut));
        Assert.Equal(KlvRejection.Malformed, cut);
        Assert.Null(Misb0601.Decode(new byte[40], out var foreign));
        Assert.Equal(KlvRejection.NotMisb0601, foreign);
    }

    [Fact]
    public void Real_footage_in_the_older_eg0104_set_is_read_and_its_frame_centre_reproduced_in_range()
    {
        var reading = KlvTelemetry.ReadFile(Drone("aphill_klv_10s.ts"));

        Assert.Equal(300, reading.Samples.Count);
        foreach (var (sample, _) in reading.Samples)
        {
            var ours = EdgeAgent.Telemetry.TelemetryPose.FrameCenter(sample)!.Value;
            var theirs = sample.ReportedFrameCenter!.Value;
            var (n1, e1) = Local(sample, ours);
            var (n2, e2) = Local(sample, theirs);

            // About 2.8 km away at 35° down: the range agrees to metres (sea-level ground assumed) …
            Assert.InRange(Math.Sqrt((n1 * n1) + (e1 * e1)) - Math.Sqrt((n2 * n2) + (e2 * e2)), -10, 10);

            // … the bearing differs by a steady 1.4° (71 m across the ray) between the set's "angle to
            // north" and the sender's own projection; its cause is not established.
            var bearing = (Math.Atan2(e2, n2) - Math.Atan2(e1, n1)) * 180 / Math.PI;
            Assert.InRange(bearing, -1.5, -1.35);
        }
    }

    private static (double North, double East) Local(EdgeAgent.Telemetry.PoseSample at, EdgeAgent.Common.Observations.GeoPosition p) =>
        ((p.Latitude - at.Position!.Value.Latitude) * 111_320, (p.Longitude - at.Position!.Value.Longitude) * 111_320 * Math.Cos(at.Position!.Value.Latitude * Math.PI / 180));

    private static void AssertExample(EdgeAgent.Telemetry.PoseSample sample)
    {
        // Tag 2: 0x000459F4A6AA4AA8 µs = 2008-10-24 00:13:29.913 UTC.
        Assert.Equal(new DateTimeOffset(2008, 10, 24, 0, 13, 29, 913, TimeSpan.Zero), sample.Time);

        // Tags 13/14 int32 ·90/(2³¹−1), ·180/(2³¹−1); tag 5 uint16 ·360/65535.
        Assert.Equal(60.1768229669783, sample.Position!.Value.Latitude, 9);
        Assert.Equal(128.426759042045, sample.Position!.Value.Longitude, 9);
        Assert.Equal(159.9744, sample.Platform.Yaw!.Value, 4);

        // Tag 6 0xFD3D = −707 → −707·20/32767; tag 7 0x08B8 = 2232 → 2232·50/32767.
        Assert.Equal(-0.4315251, sample.Platform.Pitch!.Value, 6);
        Assert.Equal(3.405814, sample.Platform.Roll!.Value, 5);

        // Tag 15 0xC221 = 49697 → 49697·19900/65535 − 900; tags 16/17 0xCD9C, 0xD917 → ·180/65535.
        Assert.Equal(14190.72, sample.Altitude!.Value, 1);
        Assert.Equal(144.5713, sample.HorizontalFieldOfView!.Value, 3);
        Assert.Equal(152.6436, sample.VerticalFieldOfView!.Value, 3);

        // Tags 18/19/20: 0x724A0A20 ·360/(2³²−1), 0x87F84B86 as int32 ·180/(2³¹−1), 0x7DC55ECE ·360/(2³²−1).
        Assert.Equal(160.7192114, sample.Sensor.Yaw!.Value, 5);
        Assert.Equal(-168.7923248, sample.Sensor.Pitch!.Value, 5);
        Assert.Equal(176.8654377, sample.Sensor.Roll!.Value, 5);

        // Tag 21 0x03830926 ·5e6/(2³²−1); tags 23/24 ·90/(2³¹−1), ·180/(2³¹−1); tag 25 0x34F3.
        Assert.Equal(68590.98, sample.SlantRange!.Value, 1);
        Assert.Equal(-10.5423886, sample.ReportedFrameCenter!.Value.Latitude, 6);
        Assert.Equal(29.1578901, sample.ReportedFrameCenter!.Value.Longitude, 6);
        Assert.Equal(3216.037, sample.FrameCenterElevation!.Value, 2);
        Assert.Equal(14190.72 - 3216.037, sample.HeightAboveGround!.Value, 1);
    }
}
