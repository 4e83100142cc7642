// dotnet run --project bench/TritonBench -c Release [-- ROUNDS]
// Runs the camera-trap pictures through the local detector and through the Triton path (the tests'
// KServe v2 stand-in on loopback, running the same model on the same CPU), and reports per-frame
// milliseconds (p50/p99) and pictures/s with 1, 2 and 4 requests in flight.
using System.Diagnostics;
using EdgeAgent.Detection;
using EdgeAgent.Detection.Triton;
using EdgeAgent.IntegrationTests.Triton;
using Microsoft.Extensions.Logging.Abstractions;
using OpenCvSharp;

var rounds = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 3;
var root = AppContext.BaseDirectory;
while (!File.Exists(Path.Combine(root, "edge-agent.slnx")))
{
    root = Path.GetDirectoryName(root)!;
}

var manifest = ModelManifest.Load(Path.Combine(root, "models", "yolox-nano.json"));
var pictures = Directory.GetFiles(Path.Combine(root, "..", "shared", "testdata", "camera-trap"), "*.jpg")
    .Select(p => PictureReaderDecode(p)).ToList();

await using var server = await KServeTestServer.StartAsync("yolox-nano", manifest.ModelPath);
using var local = new OnnxDetector(manifest, new DetectorOptions { Provider = ExecutionProvider.Cpu, CpuThreads = 1 }, NullLogger<OnnxDetector>.Instance);
using var triton = new TritonDetector(manifest, new TritonOptions { Url = server.Url, Model = "yolox-nano" });
triton.Connect();

Console.WriteLine($"{pictures.Count} pictures × {rounds} rounds, {Environment.ProcessorCount} cores, CPU provider; the Triton stand-in runs the model in this process");
foreach (var (name, detector) in new (string, IDetector)[] { ("local", local), ("triton", triton) })
{
    detector.Detect(pictures[0], 0.3f);
    var times = new List<double>();
    for (var r = 0; r < rounds; r++)
    {
        foreach (var picture in pictures)
        {
            var start = Stopwatch.GetTimestamp();
            detector.Detect(picture, 0.3f);
            times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }
    }

    times.Sort();
    Console.WriteLine($"{name,-7} one at a time: p50 {times[times.Count / 2]:F1} ms, p99 {times[(int)Math.Ceiling(0.99 * times.Count) - 1]:F1} ms");
}

foreach (var inFlight in new[] { 1, 2, 4 })
{
    var next = -1;
    var total = pictures.Count * rounds;
    var clock = Stopwatch.StartNew();
    // Dedicated threads, as the daemon's workers: blocking gRPC calls on pool threads starve the server and client I/O.
    var threads = Enumerable.Range(0, inFlight).Select(_ => new Thread(() =>
    {
        int i;
        while ((i = Interlocked.Increment(ref next)) < total)
        {
            triton.Detect(pictures[i % pictures.Count], 0.3f);
        }
    })).ToList();
    threads.ForEach(t => t.Start());
    threads.ForEach(t => t.Join());
    Console.WriteLine($"triton  {inFlight} in flight: {total / clock.Elapsed.TotalSeconds:F1} pictures/s");
}

static Mat PictureReaderDecode(string path) => EdgeAgent.Sources.PictureReader.Read(path, 416, 416).Pixels;
