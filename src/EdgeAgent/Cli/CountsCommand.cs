namespace EdgeAgent.Cli;

using System.CommandLine;
using EdgeAgent.Configuration;
using EdgeAgent.Recording;
using Microsoft.Extensions.Options;

/// <summary>
/// <c>edge-agent counts --config FILE</c>: detections per day, category and label from the record
/// database, as CSV, for the biodiversity trend in a spreadsheet or R.
/// </summary>
internal static class CountsCommand
{
    public static Command Create()
    {
        var config = SendTestAlertCommand.ConfigOption();
        var command = new Command("counts", "Print detections per day, category and label from the record database, as CSV") { config };
        command.SetAction((parse, _) => EdgeAgentCommandLine.GuardAsync(() =>
        {
            var configuration = AgentConfiguration.Load(parse.GetValue(config)!);
            var options = new RecordingOptions();
            Microsoft.Extensions.Configuration.ConfigurationBinder.Bind(configuration.GetSection(RecordingOptions.SectionName), options);
            if (!File.Exists(options.DatabasePath))
            {
                throw new Alerting.ConfigurationException($"Recording:DatabasePath {Path.GetFullPath(options.DatabasePath)}: no record database there yet");
            }

            using var store = new ObservationStore(Options.Create(options));
            Console.WriteLine("day,category,label,detections");
            foreach (var (day, category, label, count) in store.CountsPerDay())
            {
                Console.WriteLine($"{day},{category},\"{label.Replace("\"", "\"\"", StringComparison.Ordinal)}\",{count}");
            }

            return Task.FromResult(0);
        }));
        return command;
    }
}
