namespace EdgeAgent.Tests;

using System.Text;
using EdgeAgent.Alerting.Geofencing;
using EdgeAgent.Common;
using EdgeAgent.Configuration;
using EdgeAgent.Detection;
using EdgeAgent.Recording;
using EdgeAgent.Sources;
using EdgeAgent.Telemetry.Dji;
using EdgeAgent.Telemetry.Klv;
using EdgeAgent.Telemetry.Mavlink;
using EdgeAgent.Testing;

/// <summary>
/// Every parser of outside input, fed thousands of mutations of real inputs (bytes flipped,
/// inserted, cut, repeated; numbers made huge, negative or not numbers): each gives a result or its
/// named error, never any other exception. Seeded, so a failure is the same failure on every run.
/// </summary>
public sealed class FuzzTests
{
    private const int Seed = 20261126;

    private static string Testdata(params string[] parts) => TestPaths.Picture(Path.Combine([TestPaths.Shared, "testdata", .. parts[..^1]]), parts[^1]);

    public static TheoryData<string> Targets => ["configuration", "manifest", "masks", "zones", "resume", "srt", "klv", "transport-stream", "mavlink", "picture", "dji-photo"];

    [Theory]
    [MemberData(nameof(Targets))]
    public void Mutated_input_gives_a_result_or_a_named_error(string target)
    {
        using var folder = new TempFolder();
        var (seed, iterations, parse, named) = Target(target, folder);
        var random = new Random(Seed + target.Length);
        var file = folder.File("input");
        for (var i = 0; i < iterations; i++)
        {
            var mutated = Mutate(seed, random);
            File.WriteAllBytes(file, mutated);
            try
            {
                parse(file, mutated);
            }
            catch (Exception e) when (named(e))
            {
                Assert.False(string.IsNullOrWhiteSpace(e.Message), $"{target}: an error without words");
            }
            catch (Exception e)
            {
                Assert.Fail($"{target}, mutation {i}: {e.GetType().Name}: {e.Message}\n{Convert.ToBase64String(mutated.Length > 4096 ? mutated[..4096] : mutated)}");
            }
        }
    }

    private static (byte[] Seed, int Iterations, Action<string, byte[]> Parse, Func<Exception, bool> Named) Target(string target, TempFolder folder)
    {
        static bool Configuration(Exception e) => e is ConfigurationException;
        switch (target)
        {
            case "configuration":
                return (File.ReadAllBytes(Path.Combine(TestPaths.RepositoryRoot, "deploy", "jetson", "edge-agent.jetson.json")), 400, (path, _) => AgentConfiguration.Load(path), Configuration);
            case "manifest":
                // The manifest's model file is looked for beside it.
                File.Copy(TestPaths.DefaultManifest, folder.File("yolox-nano.json"));
                return (File.ReadAllBytes(TestPaths.DefaultManifest), 600, (path, _) => ModelManifest.Load(path), Configuration);
            case "masks":
                return (Encoding.UTF8.GetBytes("""{ "*": [ { "Points": [[0, 0.9], [1, 0.9], [1, 1], [0, 1]] } ], "CT-07": [ { "Points": [[10, 10], [200, 10], [200, 60]], "Units": "Pixels" } ] }"""), 1500, (path, _) => DetectionMask.LoadFile(path), Configuration);
            case "zones":
                return (File.ReadAllBytes(Testdata("geojson", "wica_wind_cave_np.fixed_multipolygon.geojson")), 150, (path, _) => ZoneMap.Load(new GeofencingOptions { ZonesFile = path }), Configuration);
            case "resume":
                return (Encoding.UTF8.GetBytes("""
                    { "info": { "format_version": "1.4", "detector": "yolox-nano-coco" }, "detection_categories": { "1": "animal", "2": "person", "3": "vehicle" },
                      "images": [ { "file": "a/IMG_0001.JPG", "detections": [ { "category": "2", "conf": 0.91, "bbox": [0.1, 0.2, 0.3, 0.4], "label": "person" } ] },
                                  { "file": "a/IMG_0002.JPG", "failure": "truncated JPEG", "detections": null } ] }
                    """), 1500, (path, _) => MegaDetectorResults.Load(path, "so the run cannot resume from it"), Configuration);
            case "srt":
                var srt = File.ReadAllBytes(Testdata("telemetry", "dji__mavic_air2.srt"));
                return (srt[..Math.Min(srt.Length, 6000)], 1500, (_, bytes) => SrtTelemetry.Parse(Encoding.UTF8.GetString(bytes)), _ => false);
            case "klv":
                using (var stream = File.OpenRead(Testdata("drone", "h264_klv.ts")))
                {
                    var packets = TransportStreamKlv.Read(stream).Take(4).SelectMany(u => u.Data).ToArray();
                    return (packets, 4000, (_, bytes) => KlvTelemetry.Decode([(bytes, null)]), _ => false);
                }

            case "transport-stream":
                var ts = File.ReadAllBytes(Testdata("drone", "h264_klv.ts"));
                return (ts[..Math.Min(ts.Length, 188 * 200)], 300, (path, _) => KlvTelemetry.ReadFile(path), _ => false);
            case "mavlink":
                byte[] frames = [.. MavlinkFrames.GlobalPositionInt(-1.2, 35.1, 1650, 100, 180), .. MavlinkFrames.GimbalDeviceAttitudeStatus(0, -30, 180), .. MavlinkFrames.CameraFovStatus(60, 45)];
                return (frames, 4000, (_, bytes) => new MavlinkDecoder().Read(bytes), _ => false);
            case "picture":
                return (File.ReadAllBytes(TestPaths.Picture(TestPaths.CameraTrap, "sn__human.jpg")), 150, (_, bytes) => PictureReader.Decode(bytes, 416, 416).Dispose(), e => e is PictureException);
            case "dji-photo":
                var photo = File.ReadAllBytes(Testdata("drone", "deepforest__AWPE_Pigeon_Lake_2020_DJI_0005.JPG"));

                // The metadata is at the front; the pixels need not be fuzzed again here.
                return (photo[..Math.Min(photo.Length, 64 * 1024)], 600, (path, _) => DjiPhoto.Read(path), e => e is InvalidDataException);
            default:
                throw new ArgumentOutOfRangeException(nameof(target), target, null);
        }
    }

    /// <summary>One to four edits of the seed: what a bad link, a bad disk or a hostile sender does.</summary>
    private static byte[] Mutate(byte[] seed, Random random)
    {
        var bytes = new List<byte>(seed);
        for (var edits = random.Next(1, 5); edits > 0 && bytes.Count > 0; edits--)
        {
            var at = random.Next(bytes.Count);
            switch (random.Next(7))
            {
                case 0:
                    bytes[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 1:
                    bytes[at] = (byte)random.Next(256);
                    break;
                case 2:
                    bytes.InsertRange(at, Enumerable.Range(0, random.Next(1, 16)).Select(_ => (byte)random.Next(256)));
                    break;
                case 3:
                    bytes.RemoveRange(at, Math.Min(bytes.Count - at, random.Next(1, 64)));
                    break;
                case 4:
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
                case 5:
                    var length = Math.Min(bytes.Count - at, random.Next(1, 64));
                    bytes.InsertRange(at, bytes.GetRange(at, length));
                    break;
                default:
                    // A number where one was: huge, negative, not a number.
                    var text = random.Next(5) switch { 0 => "99999999999999999999", 1 => "-1", 2 => "NaN", 3 => "1e308", _ => "0" };
                    var digit = bytes.FindIndex(at, b => b is >= (byte)'0' and <= (byte)'9');
                    if (digit >= 0)
                    {
                        bytes.RemoveAt(digit);
                        bytes.InsertRange(digit, Encoding.ASCII.GetBytes(text));
                    }

                    break;
            }
        }

        return [.. bytes];
    }
}
