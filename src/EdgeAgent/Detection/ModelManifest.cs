namespace EdgeAgent.Detection;

using System.Text.Json.Serialization;
using EdgeAgent.Common.Observations;

/// <summary>How a model lays out its output tensor.</summary>
public enum ModelLayout
{
    /// <summary>YOLOX: <c>[1, N, 5 + classes]</c>, grid-relative, decoded with strides 8/16/32.</summary>
    Yolox,

    /// <summary>YOLOv5 and MegaDetector v5: <c>[1, N, 5 + classes]</c>, centre/size in input pixels, objectness.</summary>
    Yolov5,

    /// <summary>YOLOv8 and YOLO11: <c>[1, 4 + classes, N]</c>, transposed, no objectness.</summary>
    Yolov8,
}

/// <summary>Channel order the model expects.</summary>
public enum ColorOrder
{
    Bgr,
    Rgb,
}

/// <summary>Where the resized picture sits inside the letterbox.</summary>
public enum LetterboxPlacement
{
    /// <summary>Picture at the top-left, padding right and bottom (YOLOX).</summary>
    TopLeft,

    /// <summary>Picture centred, padding split on both sides (YOLOv5, YOLOv8).</summary>
    Center,
}

/// <summary>
/// Describes a detector without code: which file, which layout, how pictures are prepared and what
/// its labels mean in MegaDetector's categories. Loaded from JSON (see <c>models/*.json</c>).
/// </summary>
public sealed record ModelManifest
{
    /// <summary>A short name written into results as the detector's name.</summary>
    public required string Name { get; init; }

    /// <summary>The ONNX file, relative to the manifest.</summary>
    public required string Model { get; init; }

    /// <summary>Output layout.</summary>
    public required ModelLayout Layout { get; init; }

    /// <summary>How pictures become the input tensor.</summary>
    public required ModelInputSpec Input { get; init; }

    /// <summary>Name of the output tensor; the model's first output when absent.</summary>
    public string? Output { get; init; }

    /// <summary>Class labels in class-id order, inline.</summary>
    public IReadOnlyList<string>? Labels { get; init; }

    /// <summary>A file of class labels, one a line, relative to the manifest; used when <see cref="Labels"/> is absent.</summary>
    public string? LabelsFile { get; init; }

    /// <summary>
    /// Label → <c>animal</c> / <c>person</c> / <c>vehicle</c>. Labels not in the map are not reported:
    /// a COCO model's <c>chair</c> is of no interest in the field.
    /// </summary>
    public required IReadOnlyDictionary<string, string> Categories { get; init; }

    /// <summary>
    /// Label → taxon (<c>class;order;family;genus;species;common name</c>) at the rank the label
    /// honestly supports: a COCO <c>cow</c> is family Bovidae, not a domestic cow in the Serengeti.
    /// Animals are named so when no classifier runs.
    /// </summary>
    public IReadOnlyDictionary<string, string> Taxonomy { get; init; } = new Dictionary<string, string>();

    /// <summary>Intersection over union above which two boxes of one class are the same thing.</summary>
    public float NmsIou { get; init; } = 0.45f;

    /// <summary>Score thresholds written into results; <c>typical</c> is the default for <c>detect</c>.</summary>
    public DetectionThresholds Thresholds { get; init; } = new();

    /// <summary>Full path of the ONNX file, resolved against the manifest's folder.</summary>
    [JsonIgnore]
    public string ModelPath { get; private init; } = "";

    /// <summary>Labels, from <see cref="Labels"/> or <see cref="LabelsFile"/>.</summary>
    [JsonIgnore]
    public IReadOnlyList<string> ClassLabels { get; private init; } = [];

    /// <summary>The taxon of each label in <see cref="Taxonomy"/>.</summary>
    [JsonIgnore]
    public IReadOnlyDictionary<string, Taxon> LabelTaxa { get; private init; } = new Dictionary<string, Taxon>();

    /// <summary>Category of each class id; null where the label is not mapped.</summary>
    [JsonIgnore]
    public IReadOnlyList<DetectionCategory?> ClassCategories { get; private init; } = [];

    /// <summary>The default detector's manifest, YOLOX-Nano, shipped beside the executable.</summary>
    public static string DefaultPath => Path.Combine(AppContext.BaseDirectory, "models", "yolox-nano.json");

    /// <summary>Reads and checks a manifest; every problem is a <see cref="ConfigurationException"/> naming the file.</summary>
    public static ModelManifest Load(string path)
    {
        var fullPath = Path.GetFullPath(path);
        return StrictJson.Read<ModelManifest>(fullPath, $"model manifest {path}").Resolve(fullPath);
    }

    /// <summary>A labels file's lines, trimmed, blank ones left out; a file that cannot be read is a problem and no labels.</summary>
    internal static string[] ReadLabels(string path, List<string> problems)
    {
        try
        {
            return File.ReadAllLines(path).Select(l => l.Trim()).Where(l => l.Length > 0).ToArray();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problems.Add($"labelsFile {path} cannot be read: {e.Message}");
            return [];
        }
    }

    private ModelManifest Resolve(string manifestPath)
    {
        var folder = Path.GetDirectoryName(manifestPath)!;
        var problems = new List<string>();

        if (Input.Width <= 0 || Input.Height <= 0)
        {
            problems.Add($"input.width and input.height must be positive (got {Input.Width}×{Input.Height})");
        }

        if (Input.Stride > 0 && (Input.Width % Input.Stride != 0 || Input.Height % Input.Stride != 0))
        {
            problems.Add($"input size {Input.Width}×{Input.Height} is not a multiple of input.stride {Input.Stride}");
        }

        if (NmsIou is <= 0 or > 1)
        {
            problems.Add($"nmsIou must be in (0, 1] (got {NmsIou})");
        }

        IReadOnlyList<string> labels = [];
        if (Labels is { Count: > 0 })
        {
            labels = Labels;
        }
        else if (LabelsFile is not null)
        {
            labels = ReadLabels(Path.Combine(folder, LabelsFile), problems);
        }
        else
        {
            problems.Add("neither labels nor labelsFile is given");
        }

        var categories = new DetectionCategory?[labels.Count];
        foreach (var (label, categoryName) in Categories)
        {
            var index = labels.ToList().IndexOf(label);
            if (index < 0)
            {
                problems.Add($"categories maps '{label}', which is not one of the model's labels");
            }
            else if (!DetectionCategories.TryParse(categoryName, out var category))
            {
                problems.Add($"categories maps '{label}' to '{categoryName}'; it must be animal, person or vehicle");
            }
            else
            {
                categories[index] = category;
            }
        }

        foreach (var (name, minimum) in Thresholds.Categories)
        {
            if (!DetectionCategories.TryParse(name, out _) || minimum is < 0 or > 1)
            {
                problems.Add($"thresholds.categories '{name}': {minimum} must be a category (animal, person, vehicle) with a minimum between 0 and 1");
            }
        }

        var taxa = new Dictionary<string, Taxon>(StringComparer.Ordinal);
        foreach (var (label, description) in Taxonomy)
        {
            try
            {
                if (!labels.Contains(label))
                {
                    problems.Add($"taxonomy names '{label}', which is not one of the model's labels");
                }
                else if (Taxon.Parse(description) is { } taxon)
                {
                    taxa[label] = taxon;
                }
            }
            catch (FormatException e)
            {
                problems.Add($"taxonomy of '{label}': {e.Message}");
            }
        }

        if (problems.Count > 0)
        {
            throw new ConfigurationException($"model manifest {manifestPath}: {string.Join("; ", problems)}");
        }

        return this with
        {
            LabelTaxa = taxa,
            ModelPath = Path.GetFullPath(Path.Combine(folder, Model)),
            ClassLabels = labels,
            ClassCategories = categories,
        };
    }
}

/// <summary>How a picture becomes the model's input tensor.</summary>
public sealed record ModelInputSpec
{
    /// <summary>Name of the input tensor; the model's first input when absent.</summary>
    public string? Name { get; init; }

    /// <summary>Input width in pixels.</summary>
    public required int Width { get; init; }

    /// <summary>Input height in pixels.</summary>
    public required int Height { get; init; }

    /// <summary>Channel order.</summary>
    public ColorOrder ColorOrder { get; init; } = ColorOrder.Rgb;

    /// <summary>Pixel values are multiplied by this: 1 for raw 0–255, 1/255 for 0–1.</summary>
    public float PixelScale { get; init; } = 1f / 255f;

    /// <summary>Grey level of the letterbox padding.</summary>
    public byte LetterboxFill { get; init; } = 114;

    /// <summary>Where the picture sits in the letterbox.</summary>
    public LetterboxPlacement LetterboxPlacement { get; init; } = LetterboxPlacement.Center;

    /// <summary>The model's largest stride; the input size must be a multiple of it. 0 = not checked.</summary>
    public int Stride { get; init; } = 32;
}

/// <summary>Score thresholds, as MegaDetector writes them into <c>detector_metadata</c>.</summary>
public sealed record DetectionThresholds
{
    /// <summary>The threshold most users start with.</summary>
    public float Typical { get; init; } = 0.2f;

    /// <summary>A lower threshold for when a missed animal costs more than a false one.</summary>
    public float Conservative { get; init; } = 0.05f;

    /// <summary>
    /// Higher minimums for some categories (<c>person</c>, <c>vehicle</c>): a false threat wakes a
    /// ranger at night, a missed antelope costs less. Used where no threshold is given.
    /// </summary>
    public IReadOnlyDictionary<string, float> Categories { get; init; } = new Dictionary<string, float>();

    /// <summary>The minimum for a category: its own, else <paramref name="otherwise"/>.</summary>
    public float For(DetectionCategory category, float otherwise) => Categories.TryGetValue(category.Name(), out var minimum) ? minimum : otherwise;

    /// <summary>The lowest of <paramref name="otherwise"/> and every category's minimum: what the model is asked for.</summary>
    public float Lowest(float otherwise) => Categories.Values.Append(otherwise).Min();
}
