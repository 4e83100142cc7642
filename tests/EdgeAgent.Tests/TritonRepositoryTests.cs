namespace EdgeAgent.Tests;

using System.Text.RegularExpressions;
using EdgeAgent.Detection;
using EdgeAgent.Species;
using EdgeAgent.Testing;

/// <summary>The Triton model repository shipped in deploy/triton says what the agent's manifests say.</summary>
public sealed partial class TritonRepositoryTests
{
    private static string Config(string model) => File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, "deploy", "triton", "model_repository", model, "config.pbtxt"));

    /// <summary>A tensor's name and dims in an input or output block; <c>max_batch_size</c> &gt; 0 leaves the batch out of dims.</summary>
    private static (string Name, long[] Dims) Tensor(string config, string block)
    {
        var match = new Regex(block + @"\s*\[\s*\{\s*name:\s*""(?<name>[^""]+)""\s*data_type:\s*TYPE_FP32\s*dims:\s*\[(?<dims>[^\]]*)\]").Match(config);
        Assert.True(match.Success, $"no FP32 {block} in the config");
        return (match.Groups["name"].Value, match.Groups["dims"].Value.Split(',').Select(d => long.Parse(d.Trim(), System.Globalization.CultureInfo.InvariantCulture)).ToArray());
    }

    private static int MaxBatch(string config) => int.Parse(MaxBatchSize().Match(config).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void The_detectors_config_has_the_default_manifests_tensors()
    {
        var config = Config("yolox-nano");
        var manifest = ModelManifest.Load(TestPaths.DefaultManifest);

        Assert.Equal(0, MaxBatch(config));
        var input = Tensor(config, "input");
        Assert.Equal(manifest.Input.Name, input.Name);
        Assert.Equal([1, 3, manifest.Input.Height, manifest.Input.Width], input.Dims);
        Assert.Equal(manifest.Output, Tensor(config, "output").Name);
    }

    [Fact]
    public void The_classifiers_config_has_its_manifests_tensors_and_takes_a_batch_of_crops()
    {
        var config = Config("mobilenet-v2-imagenet");
        var manifest = ClassifierManifest.Load(TestPaths.ClassifierManifest);

        Assert.True(MaxBatch(config) > 1);
        var (input, output) = (Tensor(config, "input"), Tensor(config, "output"));
        Assert.Equal(manifest.Input.Name, input.Name);
        Assert.Equal([3, manifest.Input.Height, manifest.Input.Width], input.Dims);
        Assert.Equal(manifest.Output, output.Name);
        Assert.Equal([manifest.Labels.Count], output.Dims);
    }

    [GeneratedRegex(@"max_batch_size:\s*(\d+)")]
    private static partial Regex MaxBatchSize();
}
