namespace EdgeAgent.Cli;

using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using EdgeAgent.Alerting;
using EdgeAgent.Configuration;

/// <summary>The <c>edge-agent</c> command line: one verb per job.</summary>
public static class EdgeAgentCommandLine
{
    /// <summary>Builds the root command.</summary>
    public static RootCommand Build()
    {
        var root = new RootCommand("edge-agent: detects wildlife, people and vehicles in camera-trap pictures and video, and alerts rangers.")
        {
            DetectCommand.Create(),
            BenchCommand.Create(),
            RunCommand.Create(),
            CheckConfigCommand.Create(),
            CountsCommand.Create(),
            SendTestAlertCommand.Create(),
            AlertBenchCommand.Create(),
            TelemetryCommand.Create(),
            ExportCommand.Create(),
            EvaluateCommand.Create(),
            ReportCommand.Create(),
            VerdictCommand.Create(),
            SyncCommand.Create(),
            StationCommand.Create(),
        };
        return root;
    }

    /// <summary>
    /// Parses and runs; a command line that does not parse is a configuration error (exit code 2).
    /// <paramref name="stop"/> (SIGTERM, Ctrl-C) cancels the verb, which then saves its work.
    /// </summary>
    public static async Task<int> InvokeAsync(string[] args, CancellationToken stop = default)
    {
        var parse = Build().Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                await Console.Error.WriteLineAsync($"edge-agent: {error.Message}").ConfigureAwait(false);
            }

            await Console.Error.WriteLineAsync("Run 'edge-agent --help' for usage.").ConfigureAwait(false);
            return ConfigurationException.ExitCode;
        }

        // The signals are the process's own (see ProcessStop), handled from the first line of Main rather than from here.
        var invocation = new InvocationConfiguration { ProcessTerminationTimeout = null };
        return await parse.InvokeAsync(invocation, stop).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs a verb's body with the agent's services, guarded by <see cref="GuardAsync"/>.
    /// </summary>
    internal static Task<int> RunAsync(Func<IServiceProvider, Task<int>> body) => RunAsync(null, _ => { }, body);

    /// <summary>
    /// Like <see cref="RunAsync(Func{IServiceProvider, Task{int}})"/>, with the configuration file's
    /// services (alerting) checked before the body runs, and the hosted services started when asked.
    /// </summary>
    internal static Task<int> RunAsync(string? configPath, Action<IServiceCollection> configure, Func<IServiceProvider, Task<int>> body, bool startHostedServices = false) =>
        GuardAsync(async () =>
        {
            var configuration = configPath is null ? null : AgentConfiguration.Load(configPath);
            var builder = AgentHost.CreateBuilder(configuration);
            configure(builder.Services);
            using var host = builder.Build();
            if (configuration is not null)
            {
                await WarnAsync(host.Services.VerifyAlertingConfiguration()).ConfigureAwait(false);
            }

            if (!startHostedServices)
            {
                return await body(host.Services).ConfigureAwait(false);
            }

            await host.StartAsync(CancellationToken.None).ConfigureAwait(false);
            try
            {
                return await body(host.Services).ConfigureAwait(false);
            }
            finally
            {
                await host.StopAsync(CancellationToken.None).ConfigureAwait(false);
            }
        });

    /// <summary>
    /// A verb that reads the configuration file named by <c>--config</c>: its action gets the file
    /// loaded and layered, guarded by <see cref="GuardAsync"/>, so that a problem in it exits 2.
    /// </summary>
    internal static Command ConfigVerb(string name, string description, Symbol[] symbols, Func<ParseResult, IConfigurationRoot, CancellationToken, Task<int>> action)
    {
        var config = ConfigOption();
        var command = new Command(name, description) { config };
        foreach (var symbol in symbols)
        {
            switch (symbol)
            {
                case Option option:
                    command.Options.Add(option);
                    break;
                case Argument argument:
                    command.Arguments.Add(argument);
                    break;
            }
        }

        command.SetAction((parse, cancellationToken) => GuardAsync(() => action(parse, AgentConfiguration.Load(parse.GetValue(config)!), cancellationToken)));
        return command;
    }

    /// <summary>The configuration file's option, for the verbs that need one.</summary>
    internal static Option<string> ConfigOption() => new("--config", "-c") { Description = "Configuration file (JSON)", Required = true };

    /// <summary>
    /// Runs a verb's body. A configuration mistake becomes one line per problem on stderr and exit
    /// code 2, never a stack trace; a file that cannot be written, one line and exit code 1; Ctrl-C or
    /// SIGTERM, 130.
    /// </summary>
    internal static async Task<int> GuardAsync(Func<Task<int>> body)
    {
        try
        {
            return await body().ConfigureAwait(false);
        }
        catch (ConfigurationException e)
        {
            foreach (var line in e.Message.Split(Environment.NewLine))
            {
                await Console.Error.WriteLineAsync($"edge-agent: {line}").ConfigureAwait(false);
            }

            return ConfigurationException.ExitCode;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A full disk or a read-only output folder: the message names the file.
            await Console.Error.WriteLineAsync($"edge-agent: {e.Message}").ConfigureAwait(false);
            return 1;
        }
        catch (OperationCanceledException)
        {
            await Console.Error.WriteLineAsync("edge-agent: stopped").ConfigureAwait(false);
            return 130;
        }
    }

    /// <summary>Prints configuration warnings on stderr.</summary>
    internal static async Task WarnAsync(IEnumerable<string> warnings)
    {
        foreach (var warning in warnings)
        {
            await Console.Error.WriteLineAsync($"edge-agent: warning: {warning}").ConfigureAwait(false);
        }
    }

    /// <summary>An option that takes a time (ISO 8601; UTC when it names no zone) and refuses anything else by name.</summary>
    internal static Option<DateTimeOffset?> TimeOption(string name, string description) => new(name)
    {
        Description = description,
        CustomParser = r => DateTimeOffset.TryParse(r.Tokens[^1].Value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            ? at : Refuse<DateTimeOffset?>(r, name, "a time (ISO 8601, e.g. 2026-11-01 or 2026-11-01T06:00:00Z)"),
    };

    /// <summary>An option that takes a day (yyyy-MM-dd) and refuses anything else by name.</summary>
    internal static Option<DateOnly?> DayOption(string name, string description) => new(name)
    {
        Description = description,
        CustomParser = r => DateOnly.TryParseExact(r.Tokens[^1].Value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
            ? day : Refuse<DateOnly?>(r, name, "a day (yyyy-MM-dd, e.g. 2026-11-01)"),
    };

    private static T? Refuse<T>(ArgumentResult result, string name, string what)
    {
        result.AddError($"{name} '{result.Tokens[^1].Value}' is not {what}");
        return default;
    }
}
