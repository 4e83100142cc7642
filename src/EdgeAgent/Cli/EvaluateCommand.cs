namespace EdgeAgent.Cli;

using System.CommandLine;
using System.Globalization;
using EdgeAgent.Common;
using EdgeAgent.Jobs;
using EdgeAgent.Recording;

/// <summary>
/// <c>edge-agent evaluate --results FILE.json --truth FILE.csv [--by category|label]</c>: precision,
/// recall and false alarms per class at each threshold, and the threshold with no false alarm at the
/// best recall. A field team runs it on a few hundred of its own labelled pictures before it trusts a site.
/// </summary>
internal static class EvaluateCommand
{
    public static Command Create()
    {
        var results = new Option<string>("--results") { Description = "A detect results file (MegaDetector format)", Required = true };
        var truth = new Option<string>("--truth")
        {
            Description = "CSV of what is in each picture: file,category[,label] (an empty category for a blank picture); for --by taxon a header with file,class,order,family,genus,species",
            Required = true,
        };
        var by = new Option<string>("--by") { Description = "category (default), label, or taxon (the species stage's names, rank by rank)", DefaultValueFactory = _ => "category" };
        by.AcceptOnlyFromAmong("category", "label", "taxon");
        var command = new Command("evaluate", "Score a results file against the truth: precision, recall and false alarms per threshold") { results, truth, by };
        command.SetAction((parse, _) => EdgeAgentCommandLine.GuardAsync(() =>
        {
            var byLabel = parse.GetValue(by) == "label";
            var resultsPath = parse.GetValue(results)!;
            if (!File.Exists(resultsPath))
            {
                throw new ConfigurationException($"results file {resultsPath}: no such file");
            }

            if (parse.GetValue(by) == "taxon")
            {
                return Task.FromResult(ScoreTaxa(MegaDetectorResults.Load(resultsPath), parse.GetValue(truth)!));
            }

            var scores = Evaluation.Score(MegaDetectorResults.Load(resultsPath), Evaluation.ReadTruth(parse.GetValue(truth)!, byLabel), byLabel);
            var c = CultureInfo.InvariantCulture;
            Console.WriteLine("class,threshold,precision,recall,false_alarms,true_positives,false_negatives");
            foreach (var s in scores)
            {
                Console.WriteLine(string.Create(c, $"{s.Class},{s.Threshold:F2},{s.Precision:F3},{s.Recall:F3},{s.FalsePositives},{s.TruePositives},{s.FalseNegatives}"));
            }

            foreach (var (name, best) in Evaluation.ZeroFalseAlarm(scores))
            {
                Console.Error.WriteLine(best is null
                    ? $"{name}: false alarms at every threshold"
                    : string.Create(c, $"{name}: no false alarm from {best.Threshold:F2}, recall {best.Recall:F3} ({best.TruePositives} of {best.TruePositives + best.FalseNegatives} pictures)"));
            }

            return Task.FromResult(0);
        }));
        return command;
    }

    private static int ScoreTaxa(MegaDetectorResults results, string truthPath)
    {
        var c = CultureInfo.InvariantCulture;
        var scores = TaxonEvaluation.Score(results, TaxonEvaluation.ReadTruth(truthPath));
        Console.WriteLine("rank,threshold,right,rolled_up,wrong,coverage");
        foreach (var s in scores)
        {
            Console.WriteLine(string.Create(c, $"{s.Rank},{s.Threshold:F2},{s.Right},{s.RolledUp},{s.Wrong},{s.Coverage:F3}"));
        }

        foreach (var (rank, best) in TaxonEvaluation.NoWrongName(scores))
        {
            Console.Error.WriteLine(best is null
                ? $"{rank}: a wrong name at every threshold"
                : string.Create(c, $"{rank}: no wrong name from {best.Threshold:F2}, {best.Right} of {best.Right + best.RolledUp} named right, the others rolled up"));
        }

        return 0;
    }
}
