namespace EdgeAgent.Cli;

using System.CommandLine;
using EdgeAgent.Hosting;

/// <summary><c>edge-agent run --config FILE</c>: the field daemon, under systemd or in a container.</summary>
internal static class RunCommand
{
    public static Command Create()
    {
        return EdgeAgentCommandLine.ConfigVerb("run", "Run the field daemon: watch drop folders and video streams, detect, record and alert", [], async (parse, configuration, cancellationToken) =>
        {
            var builder = AgentHost.CreateBuilder(configuration);
            builder.Services.AddFieldDaemon(configuration);

            // Type=notify: READY=1 and STOPPING=1 for systemd, and journal-friendly logs when run by it.
            builder.Services.AddSystemd();
            using var host = builder.Build();
            await EdgeAgentCommandLine.WarnAsync(host.Services.VerifyDaemonConfiguration()).ConfigureAwait(false);
            var stages = host.Services.GetServices<IHostedService>().OfType<BackgroundService>().ToList();
            var health = host.Services.GetRequiredService<AgentHealth>();
            try
            {
                await host.RunAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Asked to stop while starting: the stages that had started stop as at any other moment, a clean stop.
                await host.StopAsync(CancellationToken.None).ConfigureAwait(false);
                await Console.Error.WriteLineAsync("edge-agent: stopped while starting").ConfigureAwait(false);
                return 0;
            }

            // A stage that failed or gave up stopped the host: a non-zero exit, so that systemd restarts the
            // agent. A failed stage is a defect or the machine's failure, not a setting: its whole exception
            // goes with it, for whoever reads the journal (the host's own log of it is left out).
            var failed = stages.Where(s => s.ExecuteTask is { IsFaulted: true }).Select(s => (s.GetType().Name, Error: s.ExecuteTask!.Exception!.InnerException!)).ToList();
            foreach (var (stage, error) in failed)
            {
                await Console.Error.WriteLineAsync($"edge-agent: {stage} failed: {error.Message}{Environment.NewLine}{error}").ConfigureAwait(false);
            }

            var fatal = health.Fatal;
            if (fatal is not null)
            {
                await Console.Error.WriteLineAsync($"edge-agent: {fatal}").ConfigureAwait(false);
            }

            return failed.Count > 0 || fatal is not null ? 1 : 0;
        });
    }
}
