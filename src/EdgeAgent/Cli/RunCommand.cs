namespace EdgeAgent.Cli;

using System.CommandLine;
using EdgeAgent.Configuration;
using Microsoft.Extensions.Hosting;

/// <summary><c>edge-agent run --config FILE</c>: the field daemon, under systemd or in a container.</summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var config = SendTestAlertCommand.ConfigOption();
        var command = new Command("run", "Run the field daemon: watch drop folders and video streams, detect, record and alert") { config };
        command.SetAction((parse, cancellationToken) => EdgeAgentCommandLine.GuardAsync(async () =>
        {
            var configuration = AgentConfiguration.Load(parse.GetValue(config)!);
            var builder = AgentHost.CreateBuilder(configuration);
            builder.Services.AddFieldDaemon(configuration);

            // Type=notify: READY=1 and STOPPING=1 for systemd, and journal-friendly logs when run by it.
            builder.Services.AddSystemd();
            using var host = builder.Build();
            await EdgeAgentCommandLine.WarnAsync(host.Services.VerifyDaemonConfiguration()).ConfigureAwait(false);
            await host.RunAsync(cancellationToken).ConfigureAwait(false);
            return 0;
        }));
        return command;
    }
}
