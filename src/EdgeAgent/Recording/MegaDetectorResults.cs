namespace EdgeAgent.Recording;

using System.Text.Json;
using System.Text.Json.Serialization;
using EdgeAgent.Common.Observations;

/// <summary>
/// A batch results file in MegaDetector's format (1.4), which Timelapse, AddaxAI and MegaDetector's
/// own post-processing read. Extra fields (<c>label</c>, <c>suppressed_detections</c>) are ignored by those tools.
/// </summary>
public sealed class MegaDetectorResults
{
    /// <summary>The format version written.</summary>
    public const string FormatVersion = "1.4";

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>Who made the file and how.</summary>
    public ResultsInfo Info { get; set; } = new();

    /// <summary>Category id → name.</summary>
    public IDictionary<string, string> DetectionCategories { get; set; } = new Dictionary<string, string>(Common.Observations.DetectionCategories.MegaDetectorTable);

    /// <summary>Classification category id → name (a species classifier's answers and alternatives); absent without one.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IDictionary<string, string>? ClassificationCategories { get; set; }

    /// <summary>Classification category id → taxonomy, <c>class;order;family;genus;species;common name</c>, as Timelapse and AddaxAI read it.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IDictionary<string, string>? ClassificationCategoryDescriptions { get; set; }

    /// <summary>One entry per picture.</summary>
    public List<ImageResult> Images { get; set; } = [];

    /// <summary>
    /// The <c>classifications</c> of a named detection, best first: the answer (after roll-up) with
    /// its summed score, then the classifier's other top classes that are animals with their own
    /// scores. Each taxon gets one category id, kept across resumed runs.
    /// </summary>
    public List<object[]>? Classify(Classification? named)
    {
        if (named is null)
        {
            return null;
        }

        var list = new List<object[]> { new object[] { CategoryOf(named.Taxon), MathF.Round(named.Score, 3) } };
        foreach (var other in named.Top)
        {
            if (other.Taxon is { } taxon && CategoryOf(taxon) is var id && !list.Any(c => (string)c[0] == id))
            {
                list.Add([id, MathF.Round(other.Score, 3)]);
            }
        }

        return list;
    }

    private string CategoryOf(Taxon taxon)
    {
        ClassificationCategories ??= new Dictionary<string, string>();
        ClassificationCategoryDescriptions ??= new Dictionary<string, string>();
        var description = taxon.Description;
        if (ClassificationCategoryDescriptions.FirstOrDefault(c => c.Value == description).Key is { } known)
        {
            return known;
        }

        var id = (ClassificationCategories.Keys.Select(k => int.TryParse(k, out var n) ? n : 0).DefaultIfEmpty(0).Max() + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        ClassificationCategories[id] = taxon.CommonName.Length > 0 ? taxon.CommonName : taxon.ScientificName;
        ClassificationCategoryDescriptions[id] = description;
        return id;
    }

    /// <summary>
    /// Reads an existing results file; anything that makes it unusable (not JSON, a null where a
    /// picture or detection should be) is a <see cref="ConfigurationException"/> naming the file and
    /// the flaw, followed by <paramref name="consequence"/> (what cannot be done with it).
    /// </summary>
    public static MegaDetectorResults Load(string path, string consequence)
    {
        MegaDetectorResults? results;
        try
        {
            using var stream = File.OpenRead(path);
            results = JsonSerializer.Deserialize<MegaDetectorResults>(stream, JsonOptions);
        }
        catch (JsonException e)
        {
            // The parser's own message quotes the file's bytes, line breaks and all: where it failed says enough.
            var where = e.LineNumber is { } line ? $"invalid JSON at line {line + 1}, byte {e.BytePositionInLine + 1}" : "not the results' JSON layout";
            throw new ConfigurationException($"results file {path} is not MegaDetector results, {consequence}: {where}{(e.Path is { Length: > 1 } at ? $" (at {at})" : "")}", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigurationException($"results file {path} cannot be read: {e.Message}", e);
        }

        var flaw = results is null ? "the file holds null" : results.Flaw();
        return flaw is null ? results! : throw new ConfigurationException($"results file {path} is not MegaDetector results, {consequence}: {flaw}");
    }

    /// <summary>What makes well-formed JSON unusable as results: a null where a block, picture, file, detection, category or box must be.</summary>
    private string? Flaw()
    {
        if (Info is null || DetectionCategories is null || Images is null)
        {
            return "\"info\", \"detection_categories\" and \"images\" must not be null";
        }

        for (var i = 0; i < Images.Count; i++)
        {
            if (Images[i] is not { File: not null } image)
            {
                return $"image {i + 1} is null or has no \"file\"";
            }

            foreach (var d in (image.Detections ?? []).Concat(image.SuppressedDetections ?? []))
            {
                if (d is null || d.Category is null || d.Bbox is not { Length: 4 } || d.Classifications?.Any(c => c is not { Length: >= 2 }) == true)
                {
                    return $"image {i + 1} ('{image.File}'): a detection is null, or lacks a category, a bbox of 4 numbers or [id, score] classifications";
                }
            }
        }

        return null;
    }

    /// <summary>
    /// Writes the file atomically: to a temporary file beside it, flushed to disk, then renamed over
    /// the old one, so a crash or a full disk leaves the previous version, never half a file.
    /// </summary>
    public void Save(string path)
    {
        var fullPath = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(fullPath)!);
        var temporary = fullPath + ".tmp";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            JsonSerializer.Serialize(stream, this, JsonOptions);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, fullPath, overwrite: true);
    }
}

/// <summary>The <c>info</c> block.</summary>
public sealed class ResultsInfo
{
    public string FormatVersion { get; set; } = MegaDetectorResults.FormatVersion;

    public string Detector { get; set; } = "";

    public string? DetectionCompletionTime { get; set; }

    public DetectorMetadata DetectorMetadata { get; set; } = new();

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public RepeatEliminationInfo? RepeatDetectionElimination { get; set; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public OverlayBandInfo? OverlayBands { get; set; }
}

/// <summary>
/// Detections that lay mostly on a picture's burned-in information band (date, time, logo) and were
/// moved to <c>suppressed_detections</c> with <c>suppressed_by: "overlay"</c>.
/// </summary>
public sealed class OverlayBandInfo
{
    public int Suppressed { get; set; }
}

/// <summary>The thresholds a reader should start with.</summary>
public sealed class DetectorMetadata
{
    public float TypicalDetectionThreshold { get; set; }

    public float ConservativeDetectionThreshold { get; set; }
}

/// <summary>How repeated static detections were removed.</summary>
public sealed class RepeatEliminationInfo
{
    public float MinIou { get; set; }

    public int MinOccurrences { get; set; }

    public int Suppressed { get; set; }
}

/// <summary>One picture's entry.</summary>
public sealed class ImageResult
{
    /// <summary>Path relative to the input folder.</summary>
    public string File { get; set; } = "";

    /// <summary>Detections; null when the picture failed (MegaDetector's convention).</summary>
    public List<ImageDetection>? Detections { get; set; }

    /// <summary>Why the picture could not be processed.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Failure { get; set; }

    /// <summary>EXIF DateTimeOriginal, as the camera wrote it.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Datetime { get; set; }

    /// <summary>Detections removed as repeats of a static object, or by a mask, with the reason.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public List<ImageDetection>? SuppressedDetections { get; set; }
}

/// <summary>One detection in MegaDetector's form.</summary>
public sealed class ImageDetection
{
    /// <summary>"1" animal, "2" person, "3" vehicle.</summary>
    public string Category { get; set; } = "";

    /// <summary>Confidence, rounded to 3 decimals as MegaDetector writes it.</summary>
    public float Conf { get; set; }

    /// <summary>[x_min, y_min, width, height], normalized 0–1, origin top-left.</summary>
    public float[] Bbox { get; set; } = [];

    /// <summary>The model's own label (species or class), beyond MegaDetector's three categories.</summary>
    public string? Label { get; set; }

    /// <summary>Species classification, best first: <c>[category id, score]</c> pairs (see <see cref="MegaDetectorResults.Classify"/>).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public List<object[]>? Classifications { get; set; }

    /// <summary>For suppressed detections: why (<c>repeat</c> or <c>mask</c>).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? SuppressedBy { get; set; }

    /// <summary>Converts a detection in picture pixels.</summary>
    public static ImageDetection From(Detection detection, float pictureWidth, float pictureHeight)
    {
        ArgumentNullException.ThrowIfNull(detection);
        var b = detection.Box;
        return new ImageDetection
        {
            Category = ((int)detection.Category).ToString(System.Globalization.CultureInfo.InvariantCulture),
            Conf = MathF.Round(detection.Confidence, 3),
            Bbox = [Round4(b.X / pictureWidth), Round4(b.Y / pictureHeight), Round4(b.Width / pictureWidth), Round4(b.Height / pictureHeight)],
            Label = detection.Label,
        };
    }

    /// <summary>The normalized box.</summary>
    [JsonIgnore]
    public BoundingBox Box => Bbox is [var x, var y, var w, var h] ? new BoundingBox(x, y, w, h) : default;

    private static float Round4(float v) => MathF.Round(v, 4);
}
