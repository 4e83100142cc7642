namespace EdgeAgent.Cli;

using System.CommandLine;
using System.Globalization;
using EdgeAgent.Detection;
using EdgeAgent.Jobs;
using Microsoft.Extensions.DependencyInjection;

/// <summary><c>edge-agent bench INPUT...</c>: pictures/s and per-stage times of the pipeline against a bare loop.</summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var inputs = new Argument<string[]>("INPUT") { Description = "Picture files and folders", Arity = ArgumentArity.OneOrMore };
        var repeat = new Option<int>("--repeat") { Description = "Times to go over the pictures", DefaultValueFactory = _ => 3 };
        var options = new DetectorCommandOptions();
        var command = new Command("bench", "Measure the detect pipeline against a bare single-threaded loop on the same pictures") { inputs, repeat };
        options.AddTo(command);
        command.SetAction((parse, cancellationToken) => EdgeAgentCommandLine.RunAsync(async services =>
        {
            var (pipeline, bare, provider) = await services.GetRequiredService<BenchJob>().RunAsync(
                parse.GetValue(inputs)!, options.Read(parse), options.ReadPipeline(parse), parse.GetValue(repeat), cancellationToken).ConfigureAwait(false);
            var c = CultureInfo.InvariantCulture;
            Console.WriteLine($"provider: {provider}, processors: {Environment.ProcessorCount}");
            Console.WriteLine("run         pictures  pictures/s  read ms  decode ms  preprocess ms  inference ms  postprocess ms  peak MB");
            foreach (var run in new[] { pipeline, bare })
            {
                var t = run.Timings;
                Console.WriteLine(string.Create(c, $"{run.Name,-10} {run.Pictures,9} {run.PicturesPerSecond,11:F2} {t.MeanMilliseconds(Stage.Read),8:F2} {t.MeanMilliseconds(Stage.Decode),10:F2} {t.MeanMilliseconds(Stage.Preprocess),14:F2} {t.MeanMilliseconds(Stage.Inference),13:F2} {t.MeanMilliseconds(Stage.Postprocess),15:F2} {run.PeakMemoryMegabytes,8:F0}"));
            }

            Console.WriteLine(string.Create(c, $"pipeline / bare loop: {pipeline.PicturesPerSecond / bare.PicturesPerSecond:F2}x"));
            Console.WriteLine(string.Create(c, $"detector threads outside inference: {100 * (1 - pipeline.InferenceShare):F1} %"));
            return 0;
        }));
        return command;
    }
}
