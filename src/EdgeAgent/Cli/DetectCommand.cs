namespace EdgeAgent.Cli;

using System.CommandLine;
using System.Globalization;
using EdgeAgent.Common.Observations;
using EdgeAgent.Jobs;
using EdgeAgent.Tracking;

/// <summary><c>edge-agent detect INPUT... --output FILE.json</c>.</summary>
internal static class DetectCommand
{
    public static Command Create()
    {
        var inputs = new Argument<string[]>("INPUT") { Description = "Picture files and folders (.jpg, .jpeg, .png)", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string>("--output", "-o") { Description = "MegaDetector-format results file; an existing one is resumed", Required = true };
        var options = new DetectorCommandOptions();
        var threshold = new Option<float?>("--threshold", "-t") { Description = "Minimum confidence (default: the manifest's typical threshold)" };
        var annotated = new Option<string?>("--annotated") { Description = "Folder for JPEGs with the detections drawn" };
        var recursive = new Option<bool>("--recursive", "-r") { Description = "Include sub-folders" };
        var masks = new Option<string?>("--masks") { Description = "JSON file of masked areas per camera folder ('*' for all)" };
        var repeatMin = new Option<int>("--repeat-min-count") { Description = "Pictures of one camera a box must recur in to be suppressed as static", DefaultValueFactory = _ => new RepeatDetectionOptions().MinOccurrences };
        var repeatIou = new Option<float>("--repeat-iou") { Description = "Overlap (IoU) at which two boxes are the same place", DefaultValueFactory = _ => new RepeatDetectionOptions().MinIou };
        var noRepeat = new Option<bool>("--no-repeat-elimination") { Description = "Keep repeated static detections" };
        threshold.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<float?>() is { } t && t is < 0 or > 1)
            {
                r.AddError("--threshold must lie between 0 and 1");
            }
        });

        var command = new Command("detect", "Detect animals, people and vehicles in camera-trap pictures; write MegaDetector-format results")
        {
            inputs, output, threshold, annotated, recursive, masks, repeatMin, repeatIou, noRepeat,
        };
        options.AddTo(command);
        command.SetAction((parse, cancellationToken) => EdgeAgentCommandLine.RunAsync(async services =>
        {
            var request = new DetectRequest
            {
                Inputs = parse.GetValue(inputs)!,
                OutputPath = parse.GetValue(output)!,
                Threshold = parse.GetValue(threshold),
                AnnotatedFolder = parse.GetValue(annotated),
                Recursive = parse.GetValue(recursive),
                MasksFile = parse.GetValue(masks),
                Detector = options.Read(parse),
                Pipeline = options.ReadPipeline(parse),
                Repeats = new RepeatDetectionOptions
                {
                    Enabled = !parse.GetValue(noRepeat),
                    MinOccurrences = parse.GetValue(repeatMin),
                    MinIou = parse.GetValue(repeatIou),
                },
            };
            var summary = await services.GetRequiredService<DetectJob>().RunAsync(request, cancellationToken).ConfigureAwait(false);
            Print(summary, request.OutputPath);
            return 0;
        }));
        return command;
    }

    private static void Print(DetectSummary summary, string output)
    {
        var c = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(c, $"pictures: {summary.Pictures} ({summary.Resumed} from an earlier run), failures: {summary.Failures}, {summary.PicturesPerSecond:F1} pictures/s"));
        foreach (var category in Enum.GetValues<DetectionCategory>())
        {
            var labels = summary.Detections.GetValueOrDefault(category);
            var total = labels?.Values.Sum() ?? 0;
            var detail = labels is null ? "" : " (" + string.Join(", ", labels.OrderByDescending(l => l.Value).Select(l => $"{l.Key} {l.Value}")) + ")";
            Console.WriteLine($"{category.Name()}: {total}{detail}");
        }

        if (summary.Taxa.Count > 0)
        {
            Console.WriteLine("taxa: " + string.Join(", ", summary.Taxa.OrderByDescending(t => t.Value).ThenBy(t => t.Key, StringComparer.Ordinal).Select(t => $"{t.Key} {t.Value}")));
        }

        Console.WriteLine($"suppressed: {summary.SuppressedRepeats} repeated static, {summary.SuppressedMasked} masked, {summary.SuppressedOverlay} on an information band");
        foreach (var problem in summary.Problems)
        {
            Console.WriteLine($"problem: {problem}");
        }

        Console.WriteLine($"results: {output}");
    }
}
