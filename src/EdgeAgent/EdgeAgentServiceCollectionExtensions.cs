namespace EdgeAgent;

using EdgeAgent.Jobs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

/// <summary>The one registration point of the agent's services.</summary>
public static class EdgeAgentServiceCollectionExtensions
{
    /// <summary>Registers logging (to stderr, so stdout stays for results) and the command-line jobs.</summary>
    public static IServiceCollection AddEdgeAgent(this IServiceCollection services, LogLevel minimumLevel = LogLevel.Information)
    {
        services.AddLogging(logging => logging
            .SetMinimumLevel(minimumLevel)
            .AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.TimestampFormat = "HH:mm:ss ";
                o.UseUtcTimestamp = true;
                o.ColorBehavior = LoggerColorBehavior.Disabled;
            })
            .AddFilter("Microsoft", LogLevel.Warning)
            .Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace));
        services.AddSingleton(_ => new DetectJob(_.GetRequiredService<ILoggerFactory>(), Console.Error));
        services.AddSingleton<BenchJob>();
        return services;
    }
}
