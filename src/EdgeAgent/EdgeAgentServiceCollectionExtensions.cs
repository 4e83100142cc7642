namespace EdgeAgent;

using EdgeAgent.Alerting;
using EdgeAgent.Alerting.Senders;
using EdgeAgent.Recording;
using Microsoft.Extensions.Configuration;
using EdgeAgent.Jobs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

/// <summary>The one registration point of the agent's services.</summary>
public static class EdgeAgentServiceCollectionExtensions
{
    /// <summary>
    /// Registers logging (to stderr, so stdout stays for results), the command-line jobs and, given a
    /// configuration, the alerting stage with an OpenCV picture fitter.
    /// </summary>
    public static IServiceCollection AddEdgeAgent(this IServiceCollection services, IConfiguration? configuration = null, LogLevel minimumLevel = LogLevel.Information)
    {
        if (configuration is not null)
        {
            services.AddSingleton(configuration);
            services.AddSingleton<IPictureFitter, JpegPictureFitter>();
            services.AddAlerting(configuration);
            services.AddSingleton<TestAlertJob>();
            services.AddSingleton<AlertBenchJob>();
        }

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
