namespace EdgeAgent.Cli;

using System.CommandLine;
using System.Globalization;
using EdgeAgent.Alerting.Rules;
using EdgeAgent.Jobs;

/// <summary><c>edge-agent bench-alerts --config FILE</c>: observation in → server acknowledgement, p50/p99 per channel.</summary>
internal static class AlertBenchCommand
{
    public static Command Create()
    {
        var config = EdgeAgentCommandLine.ConfigOption();
        var count = new Option<int>("--count") { Description = "Observations to send", DefaultValueFactory = _ => 200 };
        var interval = new Option<int>("--interval-ms") { Description = "Pause between observations", DefaultValueFactory = _ => 100 };
        var command = new Command("bench-alerts", "Measure observation-to-delivery latency against the configured mail server and broker") { config, count, interval };
        command.SetAction((parse, cancellationToken) => EdgeAgentCommandLine.RunAsync(
            parse.GetValue(config),
            services => services.PostConfigure<AlertingOptions>(o => o.Rules.Insert(0, new AlertRule
            {
                Name = "bench-alerts",
                Objects = [AlertBenchJob.Label],
                MinConfidence = 0,
                Severity = AlertSeverity.Info,
            })),
            async services =>
            {
                var latencies = await services.GetRequiredService<AlertBenchJob>().RunAsync(
                    parse.GetValue(count), TimeSpan.FromMilliseconds(parse.GetValue(interval)), TimeSpan.FromMinutes(5), cancellationToken).ConfigureAwait(false);
                foreach (var l in latencies)
                {
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{l.Channel}: {l.Delivered} alerts, p50 {l.P50Milliseconds:F1} ms, p99 {l.P99Milliseconds:F1} ms, max {l.MaxMilliseconds:F1} ms"));
                }

                return 0;
            },
            startHostedServices: true));
        return command;
    }
}
