namespace EdgeAgent.Cli;

using System.CommandLine;
using EdgeAgent.Alerting;
using Microsoft.Extensions.DependencyInjection;

/// <summary>The <c>edge-agent</c> command line: one verb per job.</summary>
public static class EdgeAgentCommandLine
{
    /// <summary>The default model manifest: YOLOX-Nano, shipped beside the executable.</summary>
    public static string DefaultManifest => Path.Combine(AppContext.BaseDirectory, "models", "yolox-nano.json");

    /// <summary>Builds the root command.</summary>
    public static RootCommand Build()
    {
        var root = new RootCommand("edge-agent: detects wildlife, people and vehicles in camera-trap pictures and video, and alerts rangers.")
        {
            DetectCommand.Create(),
            BenchCommand.Create(),
        };
        return root;
    }

    /// <summary>Parses and runs; a command line that does not parse is a configuration error (exit code 2).</summary>
    public static async Task<int> InvokeAsync(string[] args)
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

        // Ctrl-C and SIGTERM cancel the verb, which then saves its work; give it time to.
        var invocation = new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(30) };
        return await parse.InvokeAsync(invocation).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs a verb's body with the agent's services. A configuration mistake becomes one line on
    /// stderr and exit code 2, never a stack trace; Ctrl-C or SIGTERM ends it with 130.
    /// </summary>
    internal static async Task<int> RunAsync(Func<IServiceProvider, Task<int>> body)
    {
        await using var services = new ServiceCollection().AddEdgeAgent().BuildServiceProvider();
        try
        {
            return await body(services).ConfigureAwait(false);
        }
        catch (ConfigurationException e)
        {
            await Console.Error.WriteLineAsync($"edge-agent: {e.Message}").ConfigureAwait(false);
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
}
