namespace EdgeAgent.Cli;

using System.CommandLine;
using System.Globalization;
using EdgeAgent.Detection;
using EdgeAgent.Jobs;

/// <summary><c>edge-agent bench INPUT...</c>: pictures/s and per-stage times of the pipeline against a bare loop.</summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var inputs = new Argument<string[]>("INPUT") { Description = "Picture files and folders", Arity = ArgumentArity.OneOrMore };
        var repeat = new Option<int>("--repeat") { Description = "Times to go over the pictures", DefaultValueFactory = _ => 3 };
        var decodeOnly = new Option<bool>("--decode-only") { Description = "Only decode the pictures, on --decode-workers threads (default: all cores but one), and run no model" };
        var options = new DetectorCommandOptions();
        var command = new Command("bench", "Measure the detect pipeline against a bare single-threaded loop on the same pictures") { inputs, repeat, decodeOnly };
        options.AddTo(command);
        command.SetAction((parse, cancellationToken) => EdgeAgentCommandLine.RunAsync(async services =>
        {
            var c = CultureInfo.InvariantCulture;
            const string Header = "run         pictures  pictures/s  read ms  decode ms  preprocess ms  inference ms  postprocess ms  peak MB";
            if (parse.GetValue(decodeOnly))
            {
                var workers = options.ReadPipeline(parse).DecodeWorkers is > 0 and var n ? n : Math.Max(1, Environment.ProcessorCount - 1);
                var decoded = await BenchJob.RunDecodeOnlyAsync(parse.GetValue(inputs)!, ModelManifest.Load(options.Read(parse).Model), workers, parse.GetValue(repeat), cancellationToken).ConfigureAwait(false);
                Console.WriteLine($"processors: {Environment.ProcessorCount}");
                Console.WriteLine(Header);
                Print(decoded);
                return 0;
            }

            var job = services.GetRequiredService<BenchJob>();
            var (pipeline, bare, runsOn, infersOffCpu) = await job.RunAsync(
                parse.GetValue(inputs)!, options.Read(parse), options.ReadPipeline(parse), parse.GetValue(repeat), cancellationToken).ConfigureAwait(false);
            Console.WriteLine($"provider: {runsOn}, processors: {Environment.ProcessorCount}");
            Console.WriteLine(string.Create(c, $"detector ready (model load, session, warm-up inference): {job.DetectorReady.TotalMilliseconds:F0} ms"));
            Console.WriteLine(Header);
            foreach (var run in new[] { pipeline, bare })
            {
                Print(run);
            }

            // Decoding alone on the pipeline's decoders: the ceiling when inference costs the cores nothing (a GPU).
            var decoders = Sources.PictureReader.DecodeWorkersFor(infersOffCpu, options.ReadPipeline(parse).DecodeWorkers);
            var decodedAlone = await BenchJob.RunDecodeOnlyAsync(parse.GetValue(inputs)!, ModelManifest.Load(options.Read(parse).Model), decoders, parse.GetValue(repeat), cancellationToken).ConfigureAwait(false);
            Print(decodedAlone);
            Console.WriteLine(string.Create(c, $"pipeline / bare loop: {pipeline.PicturesPerSecond / bare.PicturesPerSecond:F2}x"));
            Console.WriteLine(string.Create(c, $"pipeline / decoding alone: {100 * pipeline.PicturesPerSecond / decodedAlone.PicturesPerSecond:F0} %"));
            Console.WriteLine(string.Create(c, $"detector threads outside inference: {100 * (1 - pipeline.InferenceShare):F1} %"));
            if (pipeline.Timings.MeanMilliseconds(Stage.Classify) is > 0 and var classify)
            {
                // One classifier call per picture with animals, all of its crops in one batch.
                Console.WriteLine(string.Create(c, $"species classifier: {classify:F2} ms per call (pipeline), {bare.Timings.MeanMilliseconds(Stage.Classify):F2} ms (bare loop)"));
            }

            if (job.ClassifierBatches.Count > 0)
            {
                Console.WriteLine("species classifier, one animal's crop n times in a call: " + string.Join(", ", job.ClassifierBatches.Select(b => string.Create(c, $"n = {b.Crops}: {b.MillisecondsPerCrop:F1} ms a crop"))));
            }
            return 0;
        }));
        return command;
    }

    private static void Print(BenchRun run)
    {
        var t = run.Timings;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{run.Name,-10} {run.Pictures,9} {run.PicturesPerSecond,11:F2} {t.MeanMilliseconds(Stage.Read),8:F2} {t.MeanMilliseconds(Stage.Decode),10:F2} {t.MeanMilliseconds(Stage.Preprocess),14:F2} {t.MeanMilliseconds(Stage.Inference),13:F2} {t.MeanMilliseconds(Stage.Postprocess),15:F2} {run.PeakMemoryMegabytes,8:F0}"));
    }
}
