namespace EdgeAgent.IntegrationTests;

using EdgeAgent.Detection;
using EdgeAgent.Testing;

/// <summary><c>edge-agent detect</c> run as a process on the real model and real pictures.</summary>
public sealed class DetectCommandTests
{
    [Fact]
    public async Task Sample_pictures_show_what_is_in_them()
    {
        using var folder = new TempFolder();
        var output = folder.File("images.json");

        // No --model: the default manifest shipped beside the executable.
        var (code, stdout, stderr) = await AgentProcess.RunAsync("detect", TestPaths.Images, "--output", output);

        Assert.True(code == 0, stderr);
        var results = Results.Load(output);
        Assert.Equal(5, results.Images.Count());
        Assert.Contains("giraffe", results.Labels("giraffe.jpg"));
        Assert.Contains("zebra", results.Labels("giraffe.jpg"));
        Assert.Superset(new HashSet<string> { "person", "dog", "horse" }, results.Labels("person.jpg").ToHashSet());
        Assert.Contains("bird", results.Labels("eagle.jpg"));
        Assert.Contains("pictures: 5", stdout, StringComparison.Ordinal);
        Assert.Contains("Cpu execution provider", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Evaluate_scores_the_shared_camera_trap_pictures_as_counted_by_hand()
    {
        using var folder = new TempFolder();
        var output = folder.File("camera-trap.json");
        var (code, _, stderr) = await AgentProcess.RunAsync("detect", TestPaths.CameraTrap, "--output", output, "--model", TestPaths.DefaultManifest, "--threshold", "0.05");
        Assert.True(code == 0, stderr);

        // What is in each picture, from the folder's README: ten animals, a person, a truck, three blank.
        var truth = folder.File("truth.csv");
        var animals = new[] { "sn__african_elephants", "sn__american_black_bear", "sn__domestic_cattle", "sn__domestic_dog", "sn__ocelot", "zamba_ena24__2480", "zamba_ena24__2968", "zamba_ena24__4383", "zamba_ena24__7951", "zamba_ena24__9455" };
        await File.WriteAllLinesAsync(truth, [
            "file,category", "sn__human.jpg,person", "sn__vehicle.jpg,vehicle", "sn__blank.jpg,", "sn__blank2.jpg,", "sn__blank3.jpg,",
            .. animals.Select(a => $"{a}.jpg,animal")]);

        var (evaluated, csv, summary) = await AgentProcess.RunAsync("evaluate", "--results", output, "--truth", truth);

        Assert.True(evaluated == 0, summary);
        var rows = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("class,threshold,precision,recall,false_alarms,true_positives,false_negatives", rows[0]);

        // At the typical 0.3 the model finds the animal in 6 of the 10 animal pictures (elephants,
        // cattle, dog, opossum, crow, bear at dusk; not the night infrared ones), never one in a
        // picture without one; the person and the truck in their pictures and nowhere else.
        Assert.Contains("animal,0.30,1.000,0.600,0,6,4", rows);
        Assert.Contains("person,0.30,1.000,1.000,0,1,0", rows);
        Assert.Contains("vehicle,0.30,1.000,1.000,0,1,0", rows);
        Assert.Contains("person: no false alarm from", summary, StringComparison.Ordinal);
    }

    /// <summary>
    /// The shared pictures, and each again with a band as other makes burn it (tinted, a separator, a
    /// badge rising above the strip; JPEG quality 60 to 95) painted over its own band's edge — one
    /// camera burning its band at the bottom, another at the top — as a field team would evaluate them.
    /// </summary>
    [Fact]
    public async Task Evaluate_over_painted_bands_finds_no_false_person_or_vehicle_and_the_same_animals()
    {
        using var folder = new TempFolder();
        var root = Directory.CreateDirectory(folder.File("pictures")).FullName;
        var truth = new Dictionary<string, List<string>> { ["shared"] = ["file,category"], ["banded"] = ["file,category"] };
        var pictures = Directory.GetFiles(TestPaths.CameraTrap, "*.jpg").Order(StringComparer.Ordinal).ToList();
        int[] qualities = [60, 75, 85, 95];
        for (var i = 0; i < pictures.Count; i++)
        {
            var name = Path.GetFileName(pictures[i]);
            var category = name switch
            {
                "sn__human.jpg" => "person",
                "sn__vehicle.jpg" => "vehicle",
                _ when name.StartsWith("sn__blank", StringComparison.Ordinal) => "",
                _ => "animal",
            };

            // The painted band covers the picture's own at that edge, if it has one there.
            using var picture = OpenCvSharp.Cv2.ImRead(pictures[i]);
            var edge = i % 2 == 0 ? PictureEdge.Bottom : PictureEdge.Top;
            var own = OverlayBandFinder.Find(picture).Where(b => b.Edge == edge).Select(b => (int)Math.Ceiling(b.Share * picture.Height) + 2).DefaultIfEmpty(0).Max();
            PaintedBand.Paint(picture, edge, Math.Max(own, picture.Height / 20));
            var camera = edge == PictureEdge.Bottom ? "band-bottom" : "band-top";
            Directory.CreateDirectory(Path.Combine(root, "shared"));
            Directory.CreateDirectory(Path.Combine(root, camera));
            File.Copy(pictures[i], Path.Combine(root, "shared", name));
            OpenCvSharp.Cv2.ImWrite(Path.Combine(root, camera, name), picture, [(int)OpenCvSharp.ImwriteFlags.JpegQuality, qualities[i % qualities.Length]]);
            truth["shared"].Add($"shared/{name},{category}");
            truth["banded"].Add($"{camera}/{name},{category}");
        }

        var output = folder.File("results.json");
        var (code, _, stderr) = await AgentProcess.RunAsync("detect", root, "--recursive", "--output", output);
        Assert.True(code == 0, stderr);

        async Task<string[]> Evaluate(string set)
        {
            await File.WriteAllLinesAsync(folder.File($"{set}.csv"), truth[set]);
            var (evaluated, csv, summary) = await AgentProcess.RunAsync("evaluate", "--results", output, "--truth", folder.File($"{set}.csv"));
            Assert.True(evaluated == 0, summary);
            Assert.Contains($"{pictures.Count} of {pictures.Count * 2} pictures in the results scored", summary, StringComparison.Ordinal);
            return csv.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        }

        var (shared, banded) = (await Evaluate("shared"), await Evaluate("banded"));

        // At the default thresholds (the results hold nothing below them): the person and the truck
        // found and no false one, on the badges or anywhere else; the animals found in the same pictures.
        string Row(string[] rows, string c) => rows.Single(r => r.StartsWith($"{c},0.30,", StringComparison.Ordinal));
        Assert.Equal("person,0.30,1.000,1.000,0,1,0", Row(banded, "person"));
        Assert.Equal("vehicle,0.30,1.000,1.000,0,1,0", Row(banded, "vehicle"));
        Assert.Equal(Row(shared, "animal"), Row(banded, "animal"));
        Assert.Matches("^animal,0.30,1.000,0.[1-9]", Row(banded, "animal"));
    }

    [Fact]
    public async Task Camera_trap_pictures_show_the_person_and_the_vehicle_with_capture_times()
    {
        using var folder = new TempFolder();
        var output = folder.File("camera-trap.json");

        var (code, _, stderr) = await AgentProcess.RunAsync("detect", TestPaths.CameraTrap, "--output", output, "--model", TestPaths.DefaultManifest);

        Assert.True(code == 0, stderr);
        var results = Results.Load(output);
        Assert.Equal("yolox-nano-coco", (string?)results.Json["info"]!["detector"]);
        var human = results.Image("sn__human.jpg");
        Assert.Contains(Results.Detections(human), d => d.Category == "2" && d.Label == "person");
        Assert.Equal("2024:01:21 15:19:15", (string?)human["datetime"]);
        Assert.Contains(Results.Detections(results.Image("sn__vehicle.jpg")), d => d.Category == "3");
        Assert.All(results.Images.SelectMany(Results.Detections), d =>
        {
            Assert.InRange(d.Conf, 0.3, 1);
            Assert.All(d.Bbox, v => Assert.InRange(v, 0, 1));
            Assert.InRange(d.Bbox[0] + d.Bbox[2], 0, 1.0001);
            Assert.InRange(d.Bbox[1] + d.Bbox[3], 0, 1.0001);
        });
        Assert.Empty(Results.Detections(results.Image("sn__blank2.jpg")));
    }

    [Fact]
    public async Task Broken_files_get_failure_entries_and_the_rest_is_still_detected()
    {
        using var folder = new TempFolder();
        var input = Directory.CreateDirectory(folder.File("drop")).FullName;
        File.Copy(TestPaths.Picture(TestPaths.Images, "giraffe.jpg"), Path.Combine(input, "giraffe.jpg"));
        File.Copy(TestPaths.Picture(TestPaths.CameraTrap, "sn__human.jpg"), Path.Combine(input, "human.JPG"));
        await File.WriteAllBytesAsync(Path.Combine(input, "empty.jpg"), []);
        var whole = await File.ReadAllBytesAsync(TestPaths.Picture(TestPaths.CameraTrap, "sn__vehicle.jpg"));
        await File.WriteAllBytesAsync(Path.Combine(input, "half-uploaded.jpg"), whole[..(whole.Length / 3)]);
        await File.WriteAllTextAsync(Path.Combine(input, "notes.jpg"), "ranger notes, not a picture");
        var output = folder.File("results.json");

        var (code, stdout, stderr) = await AgentProcess.RunAsync("detect", input, "-o", output);

        Assert.True(code == 0, stderr);
        var results = Results.Load(output);
        foreach (var (file, reason) in new[] { ("empty.jpg", "empty file"), ("half-uploaded.jpg", "truncated JPEG"), ("notes.jpg", "not a JPEG or PNG") })
        {
            var image = results.Image(file).AsObject();
            Assert.Contains(reason, (string?)image["failure"], StringComparison.Ordinal);
            Assert.True(image.ContainsKey("detections"));
            Assert.Null(image["detections"]);
        }

        Assert.Contains("giraffe", results.Labels("giraffe.jpg"));
        Assert.Contains("person", results.Labels("human.JPG"));
        Assert.Contains("failures: 3", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_interrupted_run_resumes_without_redoing_pictures()
    {
        using var folder = new TempFolder();
        var input = Directory.CreateDirectory(folder.File("drop")).FullName;
        File.Copy(TestPaths.Picture(TestPaths.Images, "eagle.jpg"), Path.Combine(input, "eagle.jpg"));
        var output = folder.File("results.json");
        Assert.Equal(0, (await AgentProcess.RunAsync("detect", input, "-o", output)).ExitCode);
        File.Copy(TestPaths.Picture(TestPaths.Images, "horses.jpg"), Path.Combine(input, "horses.jpg"));

        var (code, stdout, stderr) = await AgentProcess.RunAsync("detect", input, "-o", output);

        Assert.True(code == 0, stderr);
        Assert.Contains("pictures: 2 (1 from an earlier run)", stdout, StringComparison.Ordinal);
        var results = Results.Load(output);
        Assert.Contains("bird", results.Labels("eagle.jpg"));
        Assert.Contains("horse", results.Labels("horses.jpg"));
    }

    [Fact]
    public async Task Annotated_pictures_are_written_for_pictures_with_detections()
    {
        using var folder = new TempFolder();
        var annotated = folder.File("annotated");

        var (code, _, stderr) = await AgentProcess.RunAsync(
            "detect", TestPaths.Picture(TestPaths.Images, "dog.jpg"), TestPaths.Picture(TestPaths.CameraTrap, "sn__blank2.jpg"),
            "-o", folder.File("r.json"), "--annotated", annotated);

        Assert.True(code == 0, stderr);
        using var drawn = OpenCvSharp.Cv2.ImRead(Path.Combine(annotated, "dog.jpg"));
        using var original = OpenCvSharp.Cv2.ImRead(TestPaths.Picture(TestPaths.Images, "dog.jpg"));
        Assert.Equal(original.Size(), drawn.Size());
        Assert.True(OpenCvSharp.Cv2.Norm(original, drawn, OpenCvSharp.NormTypes.L1) > 0, "boxes must have been drawn");
        Assert.False(File.Exists(Path.Combine(annotated, "sn__blank2.jpg")), "an empty picture gets no annotated copy");
    }
}
