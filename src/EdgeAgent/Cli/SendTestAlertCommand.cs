namespace EdgeAgent.Cli;

using System.CommandLine;
using EdgeAgent.Alerting.Outbox;
using EdgeAgent.Jobs;

/// <summary><c>edge-agent send-test-alert --config FILE [--count N]</c>.</summary>
internal static class SendTestAlertCommand
{
    public static Command Create()
    {
        var config = EdgeAgentCommandLine.ConfigOption();
        var count = new Option<int?>("--count")
        {
            Description = "Send N test alerts through the outbox (retrying as the agent does) and wait until it is empty; 0 only delivers what already waits there",
        };
        var timeout = new Option<TimeSpan>("--timeout") { Description = "How long to wait for the outbox to empty", DefaultValueFactory = _ => TimeSpan.FromMinutes(5) };
        var command = new Command("send-test-alert", "Send a test alert through every configured channel and say what happened") { config, count, timeout };
        command.SetAction((parse, cancellationToken) =>
        {
            var drill = parse.GetValue(count);
            return EdgeAgentCommandLine.RunAsync(
                parse.GetValue(config),
                _ => { },
                async services =>
                {
                    var job = services.GetRequiredService<TestAlertJob>();
                    if (job.Channels.Count == 0)
                    {
                        await Console.Error.WriteLineAsync("edge-agent: no channel is configured (Email:Host, Mqtt:Host)").ConfigureAwait(false);
                        return 2;
                    }

                    if (drill is null)
                    {
                        var results = await job.SendDirectAsync(cancellationToken).ConfigureAwait(false);
                        foreach (var r in results)
                        {
                            Console.WriteLine($"{r.Channel}: {(r.Delivered ? "sent" : "FAILED")}: {r.Message}");
                        }

                        return results.All(r => r.Delivered) ? 0 : 1;
                    }

                    var entries = await job.DrillAsync(drill.Value, parse.GetValue(timeout), cancellationToken).ConfigureAwait(false);
                    foreach (var channel in entries.GroupBy(e => e.Channel))
                    {
                        var states = string.Join(", ", channel.GroupBy(e => e.State).Select(s => $"{s.Count()} {s.Key.ToString().ToLowerInvariant()}"));
                        Console.WriteLine($"{channel.Key}: {states}");
                        foreach (var failed in channel.Where(e => e.State == OutboxState.Failed))
                        {
                            Console.WriteLine($"{channel.Key}: alert {failed.Id} failed after {failed.Attempts} attempts: {failed.LastError}");
                        }
                    }

                    return entries.All(e => e.State == OutboxState.Sent) ? 0 : 1;
                },
                startHostedServices: drill is not null);
        });
        return command;
    }
}
