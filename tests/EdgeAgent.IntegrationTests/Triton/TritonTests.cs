namespace EdgeAgent.IntegrationTests.Triton;

using System.Diagnostics;
using EdgeAgent.Common;
using EdgeAgent.Detection;
using EdgeAgent.Pipeline;
using EdgeAgent.Detection.Triton;
using EdgeAgent.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using OpenCvSharp;

/// <summary>The Triton backend against the KServe v2 stand-in running the real model.</summary>
public sealed class TritonTests
{
    private const string ModelName = "yolox-nano";

    private static string Onnx => Path.Combine(TestPaths.RepositoryRoot, "models", "yolox-nano", "yolox_nano.onnx");

    private static ModelManifest Manifest => ModelManifest.Load(TestPaths.DefaultManifest);

    private static DetectorOptions Options(KServeTestServer server, string model = ModelName) => new()
    {
        Model = TestPaths.DefaultManifest,
        Provider = ExecutionProvider.Cpu,
        Backend = DetectorBackend.Triton,
        Triton = new TritonOptions { Url = server.Url, Model = model, RetryAfter = TimeSpan.FromMilliseconds(300) },
    };

    private static IEnumerable<string> Pictures() =>
        Directory.GetFiles(TestPaths.Images, "*.jpg").Concat(Directory.GetFiles(TestPaths.CameraTrap, "sn__*.jpg")).Order();

    [Fact]
    public async Task The_same_pictures_through_triton_and_locally_give_the_same_detections()
    {
        await using var server = await KServeTestServer.StartAsync(ModelName, Onnx);
        using var triton = new TritonDetector(Manifest, new TritonOptions { Url = server.Url, Model = ModelName });
        triton.Connect();
        using var local = new OnnxDetector(Manifest, new DetectorOptions { Provider = ExecutionProvider.Cpu }, NullLogger<OnnxDetector>.Instance);

        var compared = 0;
        foreach (var path in Pictures())
        {
            using var picture = Cv2.ImRead(path);
            var remote = triton.Detect(picture, 0.1f);
            var here = local.Detect(picture, 0.1f);

            Assert.Equal(here.Select(d => d.Label), remote.Select(d => d.Label));
            foreach (var (a, b) in here.Zip(remote))
            {
                Assert.Equal(a.Confidence, b.Confidence, 1e-4f);
                Assert.InRange(Math.Abs(a.Box.X - b.Box.X), 0, 1);
                Assert.InRange(Math.Abs(a.Box.Y - b.Box.Y), 0, 1);
                Assert.InRange(Math.Abs(a.Box.Width - b.Box.Width), 0, 1);
                Assert.InRange(Math.Abs(a.Box.Height - b.Box.Height), 0, 1);
                compared++;
            }
        }

        Assert.True(compared >= 20, $"only {compared} detections compared");
        Assert.Equal(Pictures().Count(), server.Inferences);
    }

    [Fact]
    public async Task Frames_go_local_while_triton_is_down_and_back_to_triton_when_it_returns()
    {
        await using var server = await KServeTestServer.StartAsync(ModelName, Onnx);
        using var detector = DetectorFactory.Create(Options(server), NullLoggerFactory.Instance);
        var failover = Assert.IsType<FailoverDetector>(((EdgeAgent.Species.ClassifyingDetector)detector).Inner);
        using var picture = Cv2.ImRead(TestPaths.Picture(TestPaths.Images, "person.jpg"));

        void Run(int frames)
        {
            for (var i = 0; i < frames; i++)
            {
                Assert.Contains(detector.Detect(picture, 0.3f), d => d.Label == "person");
            }
        }

        Run(3);
        Assert.Equal((3L, 0L), (failover.Served(ServedBy.Triton), failover.Served(ServedBy.Local)));

        await server.StopAsync();
        Run(5);
        Assert.Equal(3L, failover.Served(ServedBy.Triton));
        Assert.Equal(5L, failover.Served(ServedBy.Local));

        await server.RestartAsync();
        var clock = Stopwatch.StartNew();
        while (failover.Served(ServedBy.Triton) == 3 && clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            Run(1);
            await Task.Delay(50);
        }

        var before = failover.Served(ServedBy.Local);
        Run(3);
        Assert.Equal(before, failover.Served(ServedBy.Local));
        Assert.True(failover.Served(ServedBy.Triton) >= 6);
    }

    [Fact]
    public async Task A_model_triton_does_not_know_is_a_clear_start_up_error()
    {
        await using var server = await KServeTestServer.StartAsync(ModelName, Onnx);

        var error = Assert.Throws<ConfigurationException>(() => DetectorFactory.Create(Options(server, "md-v5"), NullLoggerFactory.Instance));

        Assert.Contains("md-v5", error.Message, StringComparison.Ordinal);
        Assert.Contains(server.Url, error.Message, StringComparison.Ordinal);
        Assert.Contains("no such model", error.Message, StringComparison.Ordinal);

        using var folder = new TempFolder();
        var (code, _, stderr) = await AgentProcess.RunAsync(
            "detect", TestPaths.Picture(TestPaths.Images, "eagle.jpg"), "-o", folder.File("r.json"), "--backend", "triton", "--triton-url", server.Url, "--triton-model", "md-v5");
        Assert.Equal(2, code);
        Assert.Contains("no such model", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_model_that_does_not_fit_the_manifest_names_both_sides()
    {
        await using var server = await KServeTestServer.StartAsync(ModelName, Onnx);
        using var folder = new TempFolder();
        var manifest = folder.File("m.json");
        await File.WriteAllTextAsync(manifest, $$"""
            { "name": "wrong", "model": "{{Onnx}}", "layout": "yolox", "input": { "name": "images", "width": 640, "height": 640 },
              "labelsFile": "{{Path.Combine(TestPaths.RepositoryRoot, "models", "coco.labels")}}", "categories": { "person": "person" } }
            """);

        using var triton = new TritonDetector(ModelManifest.Load(manifest), new TritonOptions { Url = server.Url, Model = ModelName });
        var error = Assert.Throws<ConfigurationException>(triton.Connect);

        Assert.Contains("[1, 3, 416, 416]", error.Message, StringComparison.Ordinal);
        Assert.Contains("[1, 3, 640, 640]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_server_that_is_not_ready_answers_unavailable_and_the_local_model_serves()
    {
        await using var server = await KServeTestServer.StartAsync(ModelName, Onnx);
        server.Ready = false;
        using var detector = DetectorFactory.Create(Options(server), NullLoggerFactory.Instance);
        using var picture = Cv2.ImRead(TestPaths.Picture(TestPaths.Images, "eagle.jpg"));

        Assert.Contains(detector.Detect(picture, 0.3f), d => d.Label == "bird");
        Assert.Equal(1L, ((FailoverDetector)((EdgeAgent.Species.ClassifyingDetector)detector).Inner).Served(ServedBy.Local));
        Assert.Equal(0L, server.Inferences);
    }

    [Fact]
    public async Task The_detect_verb_runs_on_triton()
    {
        await using var server = await KServeTestServer.StartAsync(ModelName, Onnx);
        using var folder = new TempFolder();

        var (code, _, stderr) = await AgentProcess.RunAsync(
            "detect", TestPaths.Images, "-o", folder.File("r.json"), "--backend", "triton", "--triton-url", server.Url, "--triton-model", ModelName);

        Assert.True(code == 0, stderr);
        Assert.Contains("giraffe", Results.Load(folder.File("r.json")).Labels("giraffe.jpg"));
        Assert.Equal(5, server.Inferences);
    }

    [Fact]
    public async Task The_species_classifier_runs_on_triton_beside_the_detector_names_as_it_does_here_and_here_while_triton_is_away()
    {
        const string Classifier = "mobilenet-v2";
        var classifierOnnx = Path.Combine(TestPaths.RepositoryRoot, "models", "classifiers", "mobilenet-v2-imagenet", "mobilenet_v2_1.0_224_imagenet.onnx");
        await using var server = await KServeTestServer.StartAsync((ModelName, Onnx), (Classifier, classifierOnnx));
        using var folder = new TempFolder();

        var (code, _, stderr) = await AgentProcess.RunAsync(
            "detect", TestPaths.CameraTrap, "-o", folder.File("here.json"), "--classifier", TestPaths.ClassifierManifest);
        Assert.True(code == 0, stderr);
        (code, _, stderr) = await AgentProcess.RunAsync(
            "detect", TestPaths.CameraTrap, "-o", folder.File("triton.json"), "--classifier", TestPaths.ClassifierManifest,
            "--backend", "triton", "--triton-url", server.Url, "--triton-model", ModelName, "--classifier-triton-model", Classifier);
        Assert.True(code == 0, stderr);

        // Every animal named the same, with the same scores, and each picture's animals in one request
        // (a run numbers the classes as it meets them: compared by name).
        static List<string> Named(string path)
        {
            var results = Results.Load(path);
            var names = results.Json["classification_categories"]!.AsObject();
            return results.Images.SelectMany(i => (i["detections"]?.AsArray() ?? []).Select(d =>
                $"{i["file"]} " + string.Join(" ", (d!["classifications"]?.AsArray() ?? []).Select(c => $"{names[(string)c![0]!]} {(double)c[1]!:F3}")))).ToList();
        }

        var (here, remote) = (Named(folder.File("here.json")), Named(folder.File("triton.json")));
        Assert.Equal(here.Count, remote.Count);
        foreach (var (a, b) in here.Zip(remote))
        {
            Assert.Equal(a, b);
        }

        var withAnimals = Results.Load(folder.File("triton.json")).Images.Count(i => (i["detections"]?.AsArray() ?? []).Any(d => d!["classifications"] is not null));
        Assert.True(withAnimals >= 5, $"only {withAnimals} pictures with named animals");
        Assert.Equal(withAnimals, server.InferencesOf(Classifier));

        // While the server is away, this machine names the animals; none goes unnamed.
        using var detector = DetectorFactory.Create(
            Options(server) with { Classifier = new ClassifierOptions { Model = TestPaths.ClassifierManifest, TritonModel = Classifier } }, NullLoggerFactory.Instance);
        using var elephants = Cv2.ImRead(TestPaths.Picture(TestPaths.CameraTrap, "sn__african_elephants.jpg"));
        var onTriton = detector.Detect(elephants, 0.3f).Where(d => d.Taxon is not null).Select(d => d.Taxon!.Display).ToList();
        await server.StopAsync();
        var away = detector.Detect(elephants, 0.3f).Where(d => d.Taxon is not null).Select(d => d.Taxon!.Display).ToList();
        Assert.NotEmpty(onTriton);
        Assert.Equal(onTriton, away);
        Assert.Equal(withAnimals + 1, server.InferencesOf(Classifier));
    }

    [Fact]
    public async Task A_classifier_that_does_not_fit_on_triton_or_without_a_triton_detector_is_a_clear_start_up_error()
    {
        await using var server = await KServeTestServer.StartAsync(ModelName, Onnx);
        using var folder = new TempFolder();

        // The detector's model named as the classifier: its shapes, and the manifest's, in one line.
        var (code, _, error) = await AgentProcess.RunAsync(
            "detect", TestPaths.Images, "-o", folder.File("r.json"), "--classifier", TestPaths.ClassifierManifest,
            "--backend", "triton", "--triton-url", server.Url, "--triton-model", ModelName, "--classifier-triton-model", ModelName);
        Assert.Equal(2, code);
        Assert.Contains($"model '{ModelName}' does not fit the manifest mobilenet-v2-imagenet", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);

        (code, _, error) = await AgentProcess.RunAsync(
            "detect", TestPaths.Images, "-o", folder.File("r.json"), "--classifier", TestPaths.ClassifierManifest, "--classifier-triton-model", "mobilenet-v2");
        Assert.Equal(2, code);
        Assert.Contains("--classifier-triton-model runs the classifier on the detector's Triton server", error, StringComparison.Ordinal);
    }
}
