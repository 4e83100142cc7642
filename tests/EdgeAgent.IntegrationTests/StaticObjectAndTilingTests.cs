namespace EdgeAgent.IntegrationTests;

using EdgeAgent.Detection;
using EdgeAgent.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using OpenCvSharp;

/// <summary>Pictures built from the real test pictures: a camera's burned-in bar, and a small distant animal.</summary>
public sealed class StaticObjectAndTilingTests
{
    private const int Width = 1280, Height = 960;

    /// <summary>The bar across the bottom of every picture of one camera, in normalized coordinates.</summary>
    private const double BarTop = 0.85;

    [Fact]
    public async Task A_burned_in_bar_at_the_same_place_in_every_picture_is_no_vehicle()
    {
        using var folder = new TempFolder();
        var camera = Directory.CreateDirectory(folder.File("CT-07")).FullName;
        using var vehicle = CropOfFirst("vehicle", TestPaths.Picture(TestPaths.CameraTrap, "sn__vehicle.jpg"));
        string[] backgrounds =
        [
            TestPaths.Picture(TestPaths.Images, "giraffe.jpg"),
            TestPaths.Picture(TestPaths.CameraTrap, "sn__blank.jpg"),
            TestPaths.Picture(TestPaths.CameraTrap, "sn__blank2.jpg"),
            TestPaths.Picture(TestPaths.CameraTrap, "sn__blank3.jpg"),
            TestPaths.Picture(TestPaths.CameraTrap, "sn__ocelot.jpg"),
            TestPaths.Picture(TestPaths.Images, "horses.jpg"),
        ];
        for (var i = 0; i < backgrounds.Length; i++)
        {
            using var picture = WithBar(backgrounds[i], vehicle, $"CT-07  2026-11-26 02:{10 + i}:00  18C");
            Cv2.ImWrite(Path.Combine(camera, $"IMG_{i:0000}.JPG"), picture);
        }

        // Without elimination the model does call the bar a vehicle: the test below can fail.
        var unfiltered = folder.File("unfiltered.json");
        var control = await AgentProcess.RunAsync("detect", folder.Path, "-r", "-o", unfiltered, "--no-repeat-elimination");
        Assert.True(control.ExitCode == 0, control.Error);
        Assert.True(VehiclesInBar(Results.Load(unfiltered)) >= 4, "the bar should look like a vehicle to a COCO model");

        var output = folder.File("results.json");
        var (code, stdout, stderr) = await AgentProcess.RunAsync("detect", folder.Path, "-r", "-o", output, "--repeat-min-count", "4");

        Assert.True(code == 0, stderr);
        var results = Results.Load(output);
        Assert.True(VehiclesInBar(results) == 0, File.ReadAllText(output));
        Assert.Contains(results.Images, i => i["suppressed_detections"]?.AsArray().Any(d => (string?)d!["suppressed_by"] == "repeat") == true);
        Assert.Contains("giraffe", results.Labels("CT-07/IMG_0000.JPG"));
        Assert.DoesNotContain("0 repeated static", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Masks_drop_detections_in_the_masked_area()
    {
        using var folder = new TempFolder();
        var camera = Directory.CreateDirectory(folder.File("CT-07")).FullName;
        using var vehicle = CropOfFirst("vehicle", TestPaths.Picture(TestPaths.CameraTrap, "sn__vehicle.jpg"));
        using (var picture = WithBar(TestPaths.Picture(TestPaths.Images, "giraffe.jpg"), vehicle, "CT-07"))
        {
            Cv2.ImWrite(Path.Combine(camera, "IMG_0001.JPG"), picture);
        }

        var masks = folder.File("masks.json");
        await File.WriteAllTextAsync(masks, $$"""{ "CT-07": [ { "points": [[0, {{BarTop}}], [1, {{BarTop}}], [1, 1], [0, 1]] } ] }""");
        var output = folder.File("results.json");

        var (code, _, stderr) = await AgentProcess.RunAsync("detect", folder.Path, "-r", "-o", output, "--masks", masks);

        Assert.True(code == 0, stderr);
        var image = Results.Load(output).Image("CT-07/IMG_0001.JPG");
        Assert.Equal(0, VehiclesInBar(Results.Load(output)));
        Assert.Contains(image["suppressed_detections"]!.AsArray(), d => (string?)d!["suppressed_by"] == "mask" && (string?)d["category"] == "3");
        Assert.Contains(Results.Detections(image), d => d.Label == "giraffe");
    }

    [Fact]
    public async Task Tiling_finds_a_small_distant_animal_the_whole_frame_misses()
    {
        using var folder = new TempFolder();
        using var giraffe = CropOfFirst("animal", TestPaths.Picture(TestPaths.Images, "giraffe.jpg"));
        using var scene = Cv2.ImRead(TestPaths.Picture(TestPaths.CameraTrap, "sn__blank2.jpg")).Resize(new Size(3200, 2400));
        using var small = giraffe.Resize(new Size(), 110.0 / giraffe.Height, 110.0 / giraffe.Height);
        using (var place = scene[new Rect(1500, 1300, small.Width, small.Height)])
        {
            small.CopyTo(place);
        }

        var picture = folder.File("distant.jpg");
        Cv2.ImWrite(picture, scene);

        var whole = await AgentProcess.RunAsync("detect", picture, "-o", folder.File("whole.json"));
        var tiled = await AgentProcess.RunAsync("detect", picture, "-o", folder.File("tiled.json"), "--tile");

        Assert.True(whole.ExitCode == 0 && tiled.ExitCode == 0, whole.Error + tiled.Error);
        Assert.DoesNotContain("giraffe", Results.Load(folder.File("whole.json")).Labels("distant.jpg"));
        var found = Results.Detections(Results.Load(folder.File("tiled.json")).Image("distant.jpg")).Single(d => d.Label == "giraffe");
        Assert.InRange(found.Bbox[0], 1450.0 / 3200, 1550.0 / 3200);
        Assert.InRange(found.Bbox[1], 1250.0 / 2400, 1350.0 / 2400);
    }

    private static int VehiclesInBar(Results results) =>
        results.Images.SelectMany(Results.Detections).Count(d => d.Category == "3" && d.Bbox[1] + (d.Bbox[3] / 2) > BarTop);

    /// <summary>A picture resized to the camera's resolution with a dark bar, a vehicle-shaped logo and text burned in.</summary>
    private static Mat WithBar(string background, Mat logo, string text)
    {
        var picture = Cv2.ImRead(background).Resize(new Size(Width, Height));
        var barTop = (int)(Height * BarTop);
        picture.Rectangle(new Rect(0, barTop, Width, Height - barTop), Scalar.All(20), -1);
        var logoHeight = Height - barTop - 8;
        using var scaled = logo.Resize(new Size(logoHeight * logo.Width / logo.Height, logoHeight));
        using (var place = picture[new Rect(20, barTop + 4, scaled.Width, scaled.Height)])
        {
            scaled.CopyTo(place);
        }

        picture.PutText(text, new Point(scaled.Width + 60, barTop + (logoHeight / 2) + 12), HersheyFonts.HersheySimplex, 1.1, Scalar.White, 2);
        return picture;
    }

    /// <summary>The first detection of a category in a real picture, cut out with the real model.</summary>
    private static Mat CropOfFirst(string category, string path)
    {
        var manifest = ModelManifest.Load(TestPaths.DefaultManifest);
        using var detector = new OnnxDetector(manifest, new DetectorOptions { Provider = ExecutionProvider.Cpu }, NullLogger<OnnxDetector>.Instance);
        using var picture = Cv2.ImRead(path);
        var box = detector.Detect(picture, 0.3f).First(d => d.Category.ToString().Equals(category, StringComparison.OrdinalIgnoreCase)).Box;
        return picture[new Rect((int)box.X, (int)box.Y, (int)box.Width, (int)box.Height)].Clone();
    }
}
