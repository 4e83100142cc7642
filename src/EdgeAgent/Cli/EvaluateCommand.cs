namespace EdgeAgent.Cli;

using System.CommandLine;
using EdgeAgent.Jobs;
using EdgeAgent.Recording;

/// <summary>
/// <c>edge-agent evaluate --results FILE.json --truth FILE.csv|--verdicts FILE.csv [--by category|label|taxon]</c>:
/// precision, recall and false alarms per class at each threshold, and the threshold with no false
/// alarm at the best recall. A field team runs it on a few hundred of its own labelled pictures
/// before it trusts a site, and again on the rangers' verdicts on what it has alerted on since.
/// </summary>
internal static class EvaluateCommand
{
    public static Command Create()
    {
        var results = new Option<string>("--results") { Description = "A detect results file (MegaDetector format)", Required = true };
        var truth = new Option<string>("--truth")
        {
            Description = "CSV of what is in each picture: file,category[,label] (an empty category for a blank picture); for --by taxon a header with file,class,order,family,genus,species",
        };
        var verdicts = new Option<string>("--verdicts") { Description = "Instead of --truth: the rangers' verdicts ('edge-agent verdict --list'), each saying whether its alert's class was in its picture" };
        var by = new Option<string>("--by") { Description = "category (default), label, or taxon (the species stage's names, rank by rank)", DefaultValueFactory = _ => "category" };
        by.AcceptOnlyFromAmong("category", "label", "taxon");
        var command = new Command("evaluate", "Score a results file against the truth: precision, recall and false alarms per threshold") { results, truth, verdicts, by };
        command.SetAction((parse, _) => EdgeAgentCommandLine.GuardAsync(() =>
        {
            var byLabel = parse.GetValue(by) == "label";
            var resultsPath = parse.GetValue(results)!;
            if (!File.Exists(resultsPath))
            {
                throw new ConfigurationException($"results file {resultsPath}: no such file");
            }

            var (truthPath, verdictsPath) = (parse.GetValue(truth), parse.GetValue(verdicts));
            if ((truthPath is null) == (verdictsPath is null))
            {
                throw new ConfigurationException("evaluate: give the truth as one of --truth or --verdicts");
            }

            var found = MegaDetectorResults.Load(resultsPath, "so it cannot be scored");
            if (parse.GetValue(by) == "taxon")
            {
                if (truthPath is null)
                {
                    throw new ConfigurationException("evaluate: --by taxon needs a --truth file with the taxa; verdicts say only whether an alert was a threat");
                }

                var ranks = TaxonEvaluation.Score(found, TaxonEvaluation.ReadTruth(truthPath));
                Print(RankScore.CsvHeader, ranks.Select(s => s.ToCsv()), TaxonEvaluation.NoWrongName(ranks).Select(b => RankScore.Verdict(b.Key, b.Value)));
                return Task.FromResult(0);
            }

            var known = truthPath is not null ? Evaluation.ReadTruth(truthPath, byLabel) : Evaluation.ReadVerdicts(verdictsPath!, byLabel);
            var scored = found.Images.Count(i => i.Failure is null && known.ContainsKey(i.File));
            Console.Error.WriteLine($"{scored} of {found.Images.Count} pictures in the results scored (the others failed or have no truth)");
            var scores = Evaluation.Score(found, known, byLabel);
            Print(ClassScore.CsvHeader, scores.Select(s => s.ToCsv()), Evaluation.ZeroFalseAlarm(scores).Select(b => ClassScore.Verdict(b.Key, b.Value)));
            return Task.FromResult(0);
        }));
        return command;
    }

    /// <summary>The scores as CSV on stdout, and the verdicts on stderr.</summary>
    private static void Print(string header, IEnumerable<string> rows, IEnumerable<string> verdicts)
    {
        Console.WriteLine(header);
        foreach (var row in rows)
        {
            Console.WriteLine(row);
        }

        foreach (var verdict in verdicts)
        {
            Console.Error.WriteLine(verdict);
        }
    }
}
