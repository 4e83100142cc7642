namespace EdgeAgent.Jobs;

using System.Globalization;
using EdgeAgent.Common.Observations;
using EdgeAgent.Recording;

/// <summary>How one class (a category or a label) does at one threshold, picture by picture.</summary>
/// <param name="Class">The category or label.</param>
/// <param name="Threshold">Detections at least this sure count.</param>
/// <param name="TruePositives">Pictures with it that the detector found it in.</param>
/// <param name="FalsePositives">Pictures without it that the detector found it in: false alarms.</param>
/// <param name="FalseNegatives">Pictures with it that the detector missed.</param>
public sealed record ClassScore(string Class, float Threshold, int TruePositives, int FalsePositives, int FalseNegatives)
{
    /// <summary>Of the pictures the detector flagged, the share that had it; 1 when none was flagged.</summary>
    public double Precision => TruePositives + FalsePositives == 0 ? 1 : (double)TruePositives / (TruePositives + FalsePositives);

    /// <summary>Of the pictures that had it, the share the detector flagged; 1 when none had it.</summary>
    public double Recall => TruePositives + FalseNegatives == 0 ? 1 : (double)TruePositives / (TruePositives + FalseNegatives);

    /// <summary>The header of <see cref="ToCsv"/>'s rows.</summary>
    public const string CsvHeader = "class,threshold,precision,recall,false_alarms,true_positives,false_negatives";

    /// <summary>One row of <c>evaluate</c>'s table.</summary>
    public string ToCsv() => string.Create(CultureInfo.InvariantCulture, $"{Class},{Threshold:F2},{Precision:F3},{Recall:F3},{FalsePositives},{TruePositives},{FalseNegatives}");

    /// <summary>What <c>evaluate</c> says of a class's best threshold at zero false alarms (<see cref="Evaluation.ZeroFalseAlarm"/>).</summary>
    public static string Verdict(string @class, ClassScore? best) => best is null
        ? $"{@class}: false alarms at every threshold"
        : string.Create(CultureInfo.InvariantCulture, $"{@class}: no false alarm from {best.Threshold:F2}, recall {best.Recall:F3} ({best.TruePositives} of {best.TruePositives + best.FalseNegatives} pictures)");
}

/// <summary>What is known of one picture: the classes in it and, where not every class was judged, those known not to be.</summary>
/// <param name="In">The classes in the picture.</param>
/// <param name="NotIn">The classes known not to be in it; null when every class not in <paramref name="In"/> is not (a truth file lists all).</param>
public sealed record PictureTruth(HashSet<string> In, HashSet<string>? NotIn = null)
{
    /// <summary>Whether the picture has <paramref name="c"/>: true, false, or null where nobody said.</summary>
    public bool? Has(string c) => In.Contains(c) ? true : NotIn is null || NotIn.Contains(c) ? false : null;
}

/// <summary>
/// Scores a results file against what is really in each picture, the way camera-trap users choose a
/// threshold: per picture (is there a person in it, did the detector say so?), per category or per
/// label, at thresholds from 0.05 to 0.95.
/// </summary>
public static class Evaluation
{
    /// <summary>The thresholds scored: 0.05 to 0.95 in steps of 0.05.</summary>
    public static IReadOnlyList<float> Thresholds { get; } = Enumerable.Range(1, 19).Select(i => i * 0.05f).ToList();

    /// <summary>
    /// Reads a truth CSV: <c>file,category[,label]</c>, one row per thing in a picture, a picture with
    /// nothing in it with an empty category; a header row is skipped. Returns, per file, the classes in it.
    /// </summary>
    public static IReadOnlyDictionary<string, PictureTruth> ReadTruth(string path, bool byLabel)
    {
        var truth = new Dictionary<string, PictureTruth>(StringComparer.Ordinal);
        foreach (var (row, fields) in TruthCsv.Read(path))
        {
            if (fields.All(string.IsNullOrEmpty) || (row == 1 && fields[0].Equals("file", StringComparison.OrdinalIgnoreCase)))
            {
                continue;
            }

            var classes = (truth.TryGetValue(fields[0], out var found) ? found : truth[fields[0]] = new PictureTruth(Classes())).In;
            var category = fields.Length > 1 ? fields[1] : "";
            if (category.Length == 0)
            {
                continue;
            }

            if (!DetectionCategories.TryParse(category, out _))
            {
                throw new ConfigurationException($"truth file {path}, row {row}: '{category}' is not a category (animal, person, vehicle, or empty for a blank picture)");
            }

            var label = fields.Length > 2 ? fields[2] : "";
            if (byLabel && label.Length == 0)
            {
                throw new ConfigurationException($"truth file {path}, row {row}: --by label needs a label in the third column");
            }

            classes.Add(byLabel ? label : category.ToLowerInvariant());
        }

        return truth;
    }

    /// <summary>
    /// Reads the rangers' verdicts (<c>edge-agent verdict --list</c>) as truth, picture by picture:
    /// an alert said to be a threat puts its class in its picture, one said not to be keeps it out,
    /// unless another verdict on the same picture puts it in; other classes are not known there.
    /// Verdicts undone and verdicts on video (no picture) are left out.
    /// </summary>
    public static IReadOnlyDictionary<string, PictureTruth> ReadVerdicts(string path, bool byLabel)
    {
        var rows = TruthCsv.Read(path);
        var header = rows.Count > 0 ? rows[0].Fields : [];
        int Column(string name) => Array.IndexOf(header, name) is var i and >= 0
            ? i
            : throw new ConfigurationException($"verdicts file {path}: no '{name}' column: not the CSV 'edge-agent verdict --list' prints");
        var (threat, picture, label, category, undone) = (Column("threat"), Column("picture"), Column("label"), Column("category"), Column("undone_at"));
        var truth = new Dictionary<string, PictureTruth>(StringComparer.Ordinal);
        foreach (var (_, fields) in rows.Skip(1))
        {
            string Field(int i) => i < fields.Length ? fields[i] : "";
            if (Field(picture).Length == 0 || Field(undone).Length > 0)
            {
                continue;
            }

            var known = truth.TryGetValue(Field(picture), out var found) ? found : truth[Field(picture)] = new PictureTruth(Classes(), Classes());
            var name = byLabel ? Field(label) : Field(category).ToLowerInvariant();
            (Field(threat) == "true" ? known.In : known.NotIn!).Add(name);
        }

        foreach (var known in truth.Values)
        {
            known.NotIn!.ExceptWith(known.In);
        }

        return truth;
    }

    /// <summary>
    /// Scores every class at every threshold over the pictures both files have (failed pictures and
    /// pictures without a truth row are left out, and, for each class, the pictures where nobody said
    /// whether it is there); suppressed detections do not count.
    /// </summary>
    public static IReadOnlyList<ClassScore> Score(MegaDetectorResults results, IReadOnlyDictionary<string, PictureTruth> truth, bool byLabel)
    {
        ArgumentNullException.ThrowIfNull(results);
        ArgumentNullException.ThrowIfNull(truth);
        var pictures = results.Images
            .Where(i => i.Failure is null && truth.ContainsKey(i.File))
            .Select(i => (Truth: truth[i.File], Found: (i.Detections ?? []).Select(d => (Class: byLabel ? d.Label ?? "" : CategoryName(results, d.Category), d.Conf)).ToList()))
            .ToList();
        var classes = pictures.SelectMany(p => p.Truth.In.Concat(p.Found.Select(f => f.Class))).Where(c => c.Length > 0)
            .Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.Ordinal).ToList();
        return classes.SelectMany(c => Thresholds.Select(t =>
        {
            int tp = 0, fp = 0, fn = 0;
            foreach (var (inPicture, found) in pictures)
            {
                if (inPicture.Has(c) is not { } there)
                {
                    continue;
                }

                var said = found.Any(f => string.Equals(f.Class, c, StringComparison.OrdinalIgnoreCase) && f.Conf >= t - 1e-6);
                tp += said && there ? 1 : 0;
                fp += said && !there ? 1 : 0;
                fn += !said && there ? 1 : 0;
            }

            return new ClassScore(c, t, tp, fp, fn);
        })).ToList();
    }

    /// <summary>For each class: the lowest threshold without a false alarm — the best recall at zero false alarms — or null when every threshold has one.</summary>
    public static IReadOnlyDictionary<string, ClassScore?> ZeroFalseAlarm(IReadOnlyList<ClassScore> scores) =>
        scores.GroupBy(s => s.Class).ToDictionary(g => g.Key, g => g.Where(s => s.FalsePositives == 0).OrderByDescending(s => s.Recall).ThenBy(s => s.Threshold).FirstOrDefault());

    private static HashSet<string> Classes() => new(StringComparer.OrdinalIgnoreCase);

    private static string CategoryName(MegaDetectorResults results, string category) =>
        results.DetectionCategories.TryGetValue(category, out var name) ? name : category;
}
