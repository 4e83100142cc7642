namespace EdgeAgent.Tests;

using EdgeAgent.Alerting.Geofencing;
using EdgeAgent.Common.Observations;
using EdgeAgent.Common;
using EdgeAgent.Placement;
using EdgeAgent.Recording;
using EdgeAgent.Reporting;
using EdgeAgent.Sources;
using EdgeAgent.Testing;
using Microsoft.Extensions.Options;
using OpenCvSharp;

/// <summary>Effort, relative abundance, naive occupancy and accumulation from a records file written by the write store.</summary>
public sealed class CameraTrapIndicesTests
{
    private static readonly DateTimeOffset Day1 = new(2026, 11, 2, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Indices_count_sightings_against_the_time_each_camera_was_up()
    {
        using var folder = new TempFolder();
        var path = folder.File("edge-agent.db");
        var zebra = Taxon.Parse("mammalia;perissodactyla;equidae;equus;quagga;zebra")!;
        var lion = Taxon.Parse("mammalia;carnivora;felidae;panthera;leo;lion")!;
        using (var records = new RecordDatabase(Options.Create(new DatabaseOptions { Path = path })))
        {
            // CT-1 up for four days; CT-2 up for one day, then failed.
            records.RecordSourceState("CT-1", "up", "", Day1);
            records.RecordSourceState("CT-2", "up", "", Day1);
            records.RecordSourceState("CT-2", "failed", "card full", Day1.AddDays(1));

            // CT-1: two bursts of a zebra (days 1 and 3) and one of a lion (day 3); CT-2: one zebra (day 1).
            FrameRecord Picture(string camera, DateTimeOffset at, string label, Taxon taxon, int n)
            {
                var frame = new Frame(camera, at, new Mat(), 100, 100, 1f, new FileKey(camera, $"{n}.jpg", 1, n));
                var seen = new Detection(label, DetectionCategory.Animal, 0.8f, default) { Taxon = new Classification(taxon, 0.9f, "test", []) };
                return new FrameRecord(frame, [new PlacedDetection(seen, new Placement(null, null, PlacedBy.Nowhere))], true, [], []);
            }

            var batch = new[]
            {
                Picture("CT-1", Day1.AddHours(6), "zebra", zebra, 1), Picture("CT-1", Day1.AddDays(2).AddHours(6), "zebra", zebra, 2),
                Picture("CT-1", Day1.AddDays(2).AddHours(20), "cat", lion, 3), Picture("CT-2", Day1.AddHours(7), "zebra", zebra, 4),
            };
            records.Write(batch, [], Day1);
            batch.ToList().ForEach(r => r.Frame.Dispose());
        }

        var site = new ReportSite(ZoneMap.Empty, [], TimeSpan.FromSeconds(10), 0, "test");
        var report = BiodiversityReport.Gather(new RecordQueries(path), site, DateOnly.FromDateTime(Day1.UtcDateTime), DateOnly.FromDateTime(Day1.AddDays(3).UtcDateTime), Day1.AddDays(4));
        var indices = CameraTrapIndices.Of(report)!;

        Assert.Equal(4, indices.CameraDays["CT-1"], 6);
        Assert.Equal(1, indices.CameraDays["CT-2"], 6);
        Assert.Equal(50, indices.Abundance.Single(a => a.Camera == "CT-1" && a.Name == zebra.Display).Rai, 6);
        Assert.Equal(25, indices.Abundance.Single(a => a.Camera == "CT-1" && a.Name == lion.Display).Rai, 6);
        Assert.Equal(100, indices.Abundance.Single(a => a.Camera == "CT-2").Rai, 6);
        Assert.Equal((2, 2, 1.0), indices.Occupancy.Single(o => o.Name == zebra.Display) is var z ? (z.Cameras, z.WithEffort, z.Occupancy) : default);
        Assert.Equal(0.5, indices.Occupancy.Single(o => o.Name == lion.Display).Occupancy, 6);

        // Day 1: both cameras (2 camera-days), one taxon; days 2 and 3: CT-1 alone; the lion on day 3.
        Assert.Equal(
            [(DateOnly.FromDateTime(Day1.UtcDateTime), 2.0, 1), (DateOnly.FromDateTime(Day1.AddDays(1).UtcDateTime), 3.0, 1), (DateOnly.FromDateTime(Day1.AddDays(2).UtcDateTime), 4.0, 2), (DateOnly.FromDateTime(Day1.AddDays(3).UtcDateTime), 5.0, 2)],
            indices.Accumulation.Select(a => (a.Day, Math.Round(a.CameraDays, 6), a.Taxa)));
    }

    [Fact]
    public void A_recorded_file_read_to_its_end_is_neither_effort_nor_an_outage()
    {
        using var folder = new TempFolder();
        var path = folder.File("edge-agent.db");
        using (var records = new RecordDatabase(Options.Create(new DatabaseOptions { Path = path })))
        {
            // A flight's video read for an hour, then ended; a camera lost for an hour after an hour up.
            records.RecordSourceState("DRONE-1", "up", "", Day1);
            records.RecordSourceState("DRONE-1", "ended", "the file ended", Day1.AddHours(1));
            records.RecordSourceState("MAST-1", "up", "", Day1);
            records.RecordSourceState("MAST-1", "reconnecting", "no frame for 10 s", Day1.AddHours(1));
            records.RecordSourceState("MAST-1", "up", "", Day1.AddHours(2));
        }

        var downtimes = new RecordQueries(path).Downtimes(Day1, Day1.AddDays(1), Day1.AddHours(3))!;

        Assert.Equal((TimeSpan.FromHours(1), TimeSpan.Zero, 0), (downtimes["DRONE-1"].Up, downtimes["DRONE-1"].Down, downtimes["DRONE-1"].Outages));
        Assert.Equal((TimeSpan.FromHours(2), TimeSpan.FromHours(1), 1), (downtimes["MAST-1"].Up, downtimes["MAST-1"].Down, downtimes["MAST-1"].Outages));
    }
}
