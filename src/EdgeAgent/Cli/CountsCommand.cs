namespace EdgeAgent.Cli;

using System.CommandLine;
using EdgeAgent.Common;
using EdgeAgent.Configuration;
using EdgeAgent.Recording;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

/// <summary>
/// <c>edge-agent counts --config FILE</c>: how many of each label were seen per day, as CSV, for the
/// biodiversity trend in a spreadsheet or R. Video counts tracks (an animal that stays in view is
/// one); camera traps count pictures, the pictures of one burst once.
/// </summary>
internal static class CountsCommand
{
    public static Command Create()
    {
        var config = SendTestAlertCommand.ConfigOption();
        var command = new Command("counts", "Print per day how many of each label were seen (video: tracks; camera traps: bursts of pictures), as CSV") { config };
        command.SetAction((parse, _) => EdgeAgentCommandLine.GuardAsync(() =>
        {
            var configuration = AgentConfiguration.Load(parse.GetValue(config)!);
            var database = Read<DatabaseOptions>(configuration, DatabaseOptions.SectionName);
            var recording = Read<RecordingOptions>(configuration, RecordingOptions.SectionName);
            if (!File.Exists(database.Path))
            {
                throw new ConfigurationException($"Database:Path {Path.GetFullPath(database.Path)}: no database there yet");
            }

            using var records = new RecordDatabase(Options.Create(database));
            Console.WriteLine("day,category,label,count,unit");
            foreach (var c in records.CountsPerDay(recording.BurstGap, recording.SameAnimalWithin))
            {
                Console.WriteLine($"{c.Day},{c.Category},\"{c.Label.Replace("\"", "\"\"", StringComparison.Ordinal)}\",{c.Count},{c.Unit}");
            }

            return Task.FromResult(0);
        }));
        return command;
    }

    private static T Read<T>(IConfiguration configuration, string section)
        where T : class, ISelfValidating, new()
    {
        var options = new T();
        try
        {
            configuration.GetSection(section).Bind(options, o => o.ErrorOnUnknownConfiguration = true);
        }
        catch (InvalidOperationException e)
        {
            throw new ConfigurationException($"{section}: {e.Message}", e);
        }

        var problems = options.Problems().ToList();
        return problems.Count == 0 ? options : throw new ConfigurationException(string.Join(Environment.NewLine, problems));
    }
}
