namespace EdgeAgent.Tests;

using EdgeAgent.Common.Observations;
using EdgeAgent.Common;
using EdgeAgent.Detection;
using EdgeAgent.Testing;

public sealed class ModelManifestTests
{
    [Theory]
    [InlineData("yolox-nano.json", ModelLayout.Yolox, 80)]
    [InlineData("megadetector-v5.json", ModelLayout.Yolov5, 3)]
    [InlineData("yolov8-coco.json", ModelLayout.Yolov8, 80)]
    public void Shipped_manifests_load(string file, ModelLayout layout, int labels)
    {
        var manifest = ModelManifest.Load(Path.Combine(TestPaths.RepositoryRoot, "models", file));

        Assert.Equal(layout, manifest.Layout);
        Assert.Equal(labels, manifest.ClassLabels.Count);
        Assert.True(Path.IsPathRooted(manifest.ModelPath));
        Assert.Contains(DetectionCategory.Person, manifest.ClassCategories);
        Assert.Contains(DetectionCategory.Vehicle, manifest.ClassCategories);
        Assert.Contains(DetectionCategory.Animal, manifest.ClassCategories);
    }

    [Fact]
    public void Default_manifest_maps_species_to_categories_and_ignores_the_rest()
    {
        var manifest = ModelManifest.Load(TestPaths.DefaultManifest);
        DetectionCategory? CategoryOf(string label) => manifest.ClassCategories[manifest.ClassLabels.ToList().IndexOf(label)];

        Assert.Equal(DetectionCategory.Animal, CategoryOf("giraffe"));
        Assert.Equal(DetectionCategory.Person, CategoryOf("person"));
        Assert.Equal(DetectionCategory.Vehicle, CategoryOf("truck"));
        Assert.Null(CategoryOf("chair"));
        Assert.Equal(0.5f, manifest.Thresholds.For(DetectionCategory.Person, manifest.Thresholds.Typical));
        Assert.Equal(manifest.Thresholds.Typical, manifest.Thresholds.For(DetectionCategory.Animal, manifest.Thresholds.Typical));
    }

    [Theory]
    [InlineData("\"categories\": { \"lion\": \"animal\" }", "'lion', which is not one of the model's labels")]
    [InlineData("\"categories\": { \"a\": \"poacher\" }", "it must be animal, person or vehicle")]
    [InlineData("\"categories\": {}, \"colour\": 1", "colour")]
    [InlineData("\"categories\": {}, \"thresholds\": { \"categories\": { \"poacher\": 0.9 } }", "thresholds.categories 'poacher'")]
    [InlineData("\"categories\": {}, \"thresholds\": { \"categories\": { \"person\": 1.5 } }", "thresholds.categories 'person': 1.5")]
    [InlineData("\"categories\": {}, \"layout\": \"yolov9\"", "layout")]
    public void Mistakes_are_named_with_the_file(string fragment, string expected)
    {
        using var folder = new TempFolder();
        var path = folder.File("bad.json");
        var layout = fragment.Contains("\"layout\"", StringComparison.Ordinal) ? "" : "\"layout\": \"yolov5\",";
        File.WriteAllText(path, $$"""
            { "name": "x", "model": "x.onnx", {{layout}} "input": { "width": 64, "height": 64 }, "labels": ["a", "b"], {{fragment}} }
            """);

        var error = Assert.Throws<ConfigurationException>(() => ModelManifest.Load(path));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_input_size_off_the_stride_is_refused()
    {
        using var folder = new TempFolder();
        var path = folder.File("m.json");
        File.WriteAllText(path, """{ "name": "x", "model": "x.onnx", "layout": "yolov8", "input": { "width": 650, "height": 640, "stride": 32 }, "labels": ["a"], "categories": {} }""");

        var error = Assert.Throws<ConfigurationException>(() => ModelManifest.Load(path));
        Assert.Contains("not a multiple of input.stride 32", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_manifest_is_a_configuration_error()
    {
        var error = Assert.Throws<ConfigurationException>(() => ModelManifest.Load("/nonexistent/model.json"));
        Assert.Contains("/nonexistent/model.json", error.Message, StringComparison.Ordinal);
    }
}
