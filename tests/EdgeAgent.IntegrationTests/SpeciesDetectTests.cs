namespace EdgeAgent.IntegrationTests;

using System.Text.Json.Nodes;
using EdgeAgent.Common.Observations;
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

    [Fact]
    public async Task Evaluate_by_taxon_scores_the_classifiers_names_rank_by_rank_against_the_pictures_truth()
    {
        using var folder = new TempFolder();
        var output = folder.File("results.json");
        var (code, _, error) = await AgentProcess.RunAsync(
            "detect", TestPaths.CameraTrap, "--output", output, "--classifier", TestPaths.ClassifierManifest);
        Assert.True(code == 0, error);

        // The truth of the shared pictures' animals, from their sources' labels (README of the test data), as taxa.
        var truth = folder.File("truth.csv");
        await File.WriteAllTextAsync(truth, """
            file,class,order,family,genus,species
            sn__african_elephants.jpg,mammalia,proboscidea,elephantidae,loxodonta,africana
            sn__american_black_bear.jpg,mammalia,carnivora,ursidae,ursus,americanus
            sn__domestic_cattle.jpg,mammalia,artiodactyla,bovidae,bos,taurus
            sn__domestic_dog.jpg,mammalia,carnivora,canidae,canis,familiaris
            sn__ocelot.jpg,mammalia,carnivora,felidae,leopardus,pardalis
            zamba_ena24__9455.jpg,mammalia,carnivora,ursidae,ursus,americanus
            zamba_ena24__7951.jpg,aves,passeriformes,corvidae,corvus,brachyrhynchos
            zamba_ena24__4383.jpg,mammalia,carnivora,canidae,urocyon,cinereoargenteus
            """);
        (code, var csv, error) = await AgentProcess.RunAsync("evaluate", "--results", output, "--truth", truth, "--by", "taxon");
        Assert.True(code == 0, error);

        var rows = csv.Trim().Split('\n').Skip(1).Select(l => l.Split(',')).ToList();
        Assert.Equal(5 * 19, rows.Count);
        int Count(string rank, string threshold, int column) => int.Parse(rows.Single(r => r[0] == rank && r[1] == threshold)[column], System.Globalization.CultureInfo.InvariantCulture);

        // At the lowest threshold every answer stands: the same animals at every rank, none named wrongly at genus or species
        // (the README's hand-checked claim); the dog and the grey fox are right to the species.
        var animals = Count("class", "0.05", 2) + Count("class", "0.05", 3) + Count("class", "0.05", 4);
        Assert.True(animals >= 10, csv);
        Assert.All(Taxon.Ranks, rank => Assert.Equal(animals, Count(rank, "0.05", 2) + Count(rank, "0.05", 3) + Count(rank, "0.05", 4)));
        Assert.Equal(0, Count("genus", "0.05", 4));
        Assert.Equal(0, Count("species", "0.05", 4));
        Assert.True(Count("species", "0.05", 2) >= 2, csv);

        // Raising the threshold only rolls answers up: never more right, never more wrong.
        Assert.True(Count("species", "0.95", 2) <= Count("species", "0.05", 2));
        Assert.Contains("species: no wrong name from 0.05", error, StringComparison.Ordinal);
    }
}
