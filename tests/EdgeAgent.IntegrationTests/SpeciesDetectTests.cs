namespace EdgeAgent.IntegrationTests;

using System.Text.Json.Nodes;
using EdgeAgent.Testing;

/// <summary><c>detect --classifier</c> on the real shared pictures, read back as MegaDetector's format says.</summary>
public sealed class SpeciesDetectTests
{
    [Fact]
    public async Task Detect_with_the_classifier_writes_classifications_best_first_with_their_categories_and_taxonomies()
    {
        using var folder = new TempFolder();
        var output = folder.File("results.json");
        var (code, stdout, error) = await AgentProcess.RunAsync(
            "detect", TestPaths.CameraTrap, "--output", output, "--model", TestPaths.DefaultManifest, "--classifier", TestPaths.ClassifierManifest);

        Assert.True(code == 0, error);
        Assert.Contains("taxa: ", stdout, StringComparison.Ordinal);
        var results = JsonNode.Parse(await File.ReadAllTextAsync(output))!;
        var names = results["classification_categories"]!.AsObject();
        var descriptions = results["classification_category_descriptions"]!.AsObject();
        Assert.Equal(names.Select(n => n.Key).Order(), descriptions.Select(d => d.Key).Order());
        foreach (var (_, description) in descriptions)
        {
            Assert.Equal(6, ((string)description!).Split(';').Length);
        }

        var animals = results["images"]!.AsArray().SelectMany(i => i!["detections"]!.AsArray()).Where(d => (string?)d!["category"] == "1").ToList();
        Assert.NotEmpty(animals);
        foreach (var animal in animals)
        {
            var classifications = animal!["classifications"]!.AsArray();
            Assert.NotEmpty(classifications);
            foreach (var pair in classifications)
            {
                Assert.True(names.ContainsKey((string)pair![0]!), $"category {pair[0]} is not in classification_categories");
                Assert.InRange((float)pair[1]!, 0f, 1f);
            }
        }

        // People and vehicles are not classified.
        Assert.All(
            results["images"]!.AsArray().SelectMany(i => i!["detections"]!.AsArray()).Where(d => (string?)d!["category"] != "1"),
            d => Assert.Null(d!["classifications"]));

        // No animal of the shared pictures is named a species or genus the truth does not allow.
        var allowed = new Dictionary<string, string[]>
        {
            ["sn__african_elephants.jpg"] = ["loxodonta", "loxodonta africana"],
            ["sn__domestic_dog.jpg"] = ["canis", "canis familiaris"],
            ["sn__domestic_cattle.jpg"] = ["bos", "bos taurus"],
            ["zamba_ena24__9455.jpg"] = ["ursus", "ursus americanus"],
            ["zamba_ena24__4383.jpg"] = ["urocyon", "urocyon cinereoargenteus"],
        };
        foreach (var image in results["images"]!.AsArray())
        {
            foreach (var animal in image!["detections"]!.AsArray().Where(d => (string?)d!["category"] == "1"))
            {
                var description = ((string)descriptions[(string)animal!["classifications"]![0]![0]!]!).Split(';');
                var (genus, species) = (description[3], description[4].Length > 0 ? $"{description[3]} {description[4]}" : "");
                var file = (string)image["file"]!;
                if (genus.Length > 0)
                {
                    Assert.True(allowed.TryGetValue(file, out var ok) && ok.Contains(genus) && (species.Length == 0 || ok.Contains(species)), $"{file}: named {genus} {species}");
                }
            }
        }
    }
}
