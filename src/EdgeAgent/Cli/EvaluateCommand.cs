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
        var truth = new Option<string>("--truth") { Description = "CSV of what is in each picture: file,category[,label]; an empty category for a blank picture", Required = true };
        var by = new Option<string>("--by") { Description = "category (default) or label", DefaultValueFactory = _ => "category" };
        by.AcceptOnlyFromAmong("category", "label");
        var command = new Command("evaluate", "Score a results file against the truth: precision, recall and false alarms per threshold") { results, truth, by };
        command.SetAction((parse, _) => EdgeAgentCommandLine.GuardAsync(() =>
        {
            var byLabel = parse.GetValue(by) == "label";
            var resultsPath = parse.GetValue(results)!;
            if (!File.Exists(resultsPath))
            {
                throw new ConfigurationException($"results file {resultsPath}: no such file");
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
}
