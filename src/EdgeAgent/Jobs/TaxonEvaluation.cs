namespace EdgeAgent.Jobs;

using System.Globalization;
using EdgeAgent.Common.Observations;
using EdgeAgent.Recording;

/// <summary>How the names given at one rank fare at one threshold: named right, rolled up above the rank (an honest "don't know"), or wrong.</summary>
/// <param name="Rank">class, order, family, genus or species.</param>
/// <param name="Threshold">Answers scoring less than this count as rolled up to "animal".</param>
/// <param name="Right">Animals named at this rank or finer, right at this rank.</param>
/// <param name="RolledUp">Animals whose answer stops above this rank, right as far as it goes.</param>
/// <param name="Wrong">Animals named wrongly at this rank or above.</param>
public sealed record RankScore(string Rank, float Threshold, int Right, int RolledUp, int Wrong)
{
    /// <summary>The share of animals named right at this rank.</summary>
    public double Coverage => Right + RolledUp + Wrong == 0 ? 0 : (double)Right / (Right + RolledUp + Wrong);

    /// <summary>The header of <see cref="ToCsv"/>'s rows.</summary>
    public const string CsvHeader = "rank,threshold,right,rolled_up,wrong,coverage";

    /// <summary>One row of <c>evaluate --by taxon</c>'s table.</summary>
    public string ToCsv() => string.Create(CultureInfo.InvariantCulture, $"{Rank},{Threshold:F2},{Right},{RolledUp},{Wrong},{Coverage:F3}");

    /// <summary>What <c>evaluate</c> says of a rank's best threshold without a wrong name (<see cref="TaxonEvaluation.NoWrongName"/>).</summary>
    public static string Verdict(string rank, RankScore? best) => best is null
        ? $"{rank}: a wrong name at every threshold"
        : string.Create(CultureInfo.InvariantCulture, $"{rank}: no wrong name from {best.Threshold:F2}, {best.Right} of {best.Right + best.RolledUp} named right, the others rolled up");
}

/// <summary>
/// <c>evaluate --by taxon</c>: the species stage's answers (each animal's first MegaDetector
/// classification and its taxonomy string) against a truth of the taxa in each picture, rank by rank
/// — named right, rolled up, wrong — at each threshold on the answer's score, and per rank the lowest
/// threshold that names nothing wrongly at the best coverage.
/// </summary>
public static class TaxonEvaluation
{
    /// <summary>
    /// Reads a truth CSV with a header naming <c>file</c> and the taxonomy columns (<c>class</c>,
    /// <c>order</c>, <c>family</c>, <c>genus</c>, <c>species</c> — the epithet — any may be empty); one
    /// row per taxon in a picture. Returns, per file, its taxa.
    /// </summary>
    public static IReadOnlyDictionary<string, List<Taxon>> ReadTruth(string path)
    {
        var rows = TruthCsv.Read(path);
        var header = rows.Count > 0 ? rows[0].Fields.Select(h => h.ToLowerInvariant()).ToList() : [];
        var columns = new[] { "file", "class", "order", "family", "genus", "species" }.Select(c => (Name: c, At: header.IndexOf(c))).ToList();
        if (columns.Any(c => c.At < 0))
        {
            throw new ConfigurationException(
                $"truth file {path}: --by taxon needs a header with file,class,order,family,genus,species (missing: {string.Join(", ", columns.Where(c => c.At < 0).Select(c => c.Name))})");
        }

        var truth = new Dictionary<string, List<Taxon>>(StringComparer.Ordinal);
        foreach (var (row, fields) in rows.Skip(1))
        {
            if (fields.All(string.IsNullOrEmpty))
            {
                continue;
            }

            string Field(string name) => columns.First(c => c.Name == name).At is var at && at < fields.Length ? fields[at].ToLowerInvariant() : "";
            var file = columns[0].At < fields.Length ? fields[columns[0].At] : "";
            var taxa = truth.TryGetValue(file, out var known) ? known : truth[file] = [];
            var description = string.Join(';', Field("class"), Field("order"), Field("family"), Field("genus"), Field("species"), "");
            try
            {
                if (Taxon.Parse(description) is { } taxon)
                {
                    taxa.Add(taxon);
                }
            }
            catch (FormatException e)
            {
                throw new ConfigurationException($"truth file {path}, row {row}: {e.Message}", e);
            }
        }

        return truth;
    }

    /// <summary>Scores every rank at every threshold over the animals of the pictures both files have.</summary>
    public static IReadOnlyList<RankScore> Score(MegaDetectorResults results, IReadOnlyDictionary<string, List<Taxon>> truth)
    {
        ArgumentNullException.ThrowIfNull(results);
        ArgumentNullException.ThrowIfNull(truth);
        var descriptions = results.ClassificationCategoryDescriptions ?? new Dictionary<string, string>();
        var answers = results.Images
            .Where(i => i.Failure is null && truth.TryGetValue(i.File, out var t) && t.Count > 0)
            .SelectMany(i => (i.Detections ?? []).Where(d => d.Classifications is { Count: > 0 }).Select(d =>
            {
                var first = d.Classifications![0];
                var named = descriptions.TryGetValue(Convert.ToString(first[0], System.Globalization.CultureInfo.InvariantCulture) ?? "", out var text)
                    ? Taxon.Parse(text) ?? Taxon.Animal
                    : Taxon.Animal;
                return (Named: named, Score: Convert.ToSingle(first[1].ToString(), System.Globalization.CultureInfo.InvariantCulture), Truth: truth[i.File]);
            }))
            .ToList();
        return Taxon.Ranks.SelectMany(rank => Evaluation.Thresholds.Select(threshold =>
        {
            int right = 0, rolled = 0, wrong = 0;
            foreach (var (named, score, inPicture) in answers)
            {
                var answer = score >= threshold - 1e-6 ? named : Taxon.Animal;
                var verdicts = inPicture.Where(t => Names(t, rank)).Select(t => Judge(answer, t, rank)).ToList();
                if (verdicts.Count == 0)
                {
                    continue;
                }

                // With several taxa in the picture, the animal is the one it was named most rightly for.
                var verdict = verdicts.Min();
                right += verdict == Verdict.Right ? 1 : 0;
                rolled += verdict == Verdict.RolledUp ? 1 : 0;
                wrong += verdict == Verdict.Wrong ? 1 : 0;
            }

            return new RankScore(rank, threshold, right, rolled, wrong);
        })).ToList();
    }

    /// <summary>Per rank, the lowest threshold with no wrong name at the best coverage; null when every threshold names something wrongly.</summary>
    public static IReadOnlyDictionary<string, RankScore?> NoWrongName(IReadOnlyList<RankScore> scores) =>
        scores.GroupBy(s => s.Rank).ToDictionary(g => g.Key, g => g.Where(s => s.Wrong == 0).OrderByDescending(s => s.Coverage).ThenBy(s => s.Threshold).FirstOrDefault());

    private enum Verdict
    {
        Right,
        RolledUp,
        Wrong,
    }

    private static bool Names(Taxon taxon, string rank) => Name(taxon, rank).Length > 0;

    private static string Name(Taxon taxon, string rank) => rank switch
    {
        "class" => taxon.Class,
        "order" => taxon.Order,
        "family" => taxon.Family,
        "genus" => taxon.Genus,
        _ => taxon.Species.Length > 0 ? $"{taxon.Genus} {taxon.Species}" : "",
    };

    /// <summary>Right when the answer names the rank as the truth does; rolled up when it stops above the rank and agrees as far as it goes; else wrong.</summary>
    private static Verdict Judge(Taxon answer, Taxon truth, string rank)
    {
        var ranks = Taxon.Ranks.TakeWhile(r => r != rank).Append(rank).ToList();
        foreach (var r in ranks)
        {
            var said = Name(answer, r);
            if (said.Length == 0)
            {
                return Verdict.RolledUp;
            }

            if (Name(truth, r).Length > 0 && !said.Equals(Name(truth, r), StringComparison.OrdinalIgnoreCase))
            {
                return Verdict.Wrong;
            }
        }

        return Verdict.Right;
    }
}
