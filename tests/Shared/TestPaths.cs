namespace EdgeAgent.Testing;

/// <summary>Where the repository, the shared test data and the built agent are. A missing one fails the test.</summary>
internal static class TestPaths
{
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    /// <summary>The shared folder beside the checkout, with test pictures and the default model.</summary>
    public static string Shared { get; } = Require(Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared")));

    public static string Images => Require(Path.Combine(Shared, "testdata", "images"));

    public static string CameraTrap => Require(Path.Combine(Shared, "testdata", "camera-trap"));

    /// <summary>The default manifest in the repository; its model file is placed by models/fetch-default-model.sh.</summary>
    public static string DefaultManifest => Require(Path.Combine(RepositoryRoot, "models", "yolox-nano.json"));

    /// <summary>The species classifier's manifest (its model and labels put beside it by models/fetch-default-model.sh).</summary>
    public static string ClassifierManifest => Require(Path.Combine(RepositoryRoot, "models", "classifiers", "mobilenet-v2-imagenet.json"));

    public static string Picture(string folder, string name) => Require(Path.Combine(folder, name));

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "edge-agent.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"no edge-agent.slnx above {AppContext.BaseDirectory}");
    }

    private static string Require(string path) =>
        File.Exists(path) || Directory.Exists(path)
            ? path
            : throw new FileNotFoundException($"test data {path} is missing: ../shared must lie beside the checkout, and models/fetch-default-model.sh must have run", path);
}

/// <summary>A temporary folder, deleted with the test.</summary>
internal sealed class TempFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("edge-agent-test-").FullName;

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
