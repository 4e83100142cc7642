namespace EdgeAgent;

using EdgeAgent.Alerting;
using EdgeAgent.Alerting.Senders;
using EdgeAgent.Common;
using EdgeAgent.Detection;
using EdgeAgent.Hosting;
using EdgeAgent.Jobs;
using EdgeAgent.Pipeline;
using EdgeAgent.Recording;
using EdgeAgent.Sources;
using EdgeAgent.Tracking;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

/// <summary>The one registration point of the agent's services.</summary>
public static class EdgeAgentServiceCollectionExtensions
{
    /// <summary>
    /// Registers logging (to stderr, so stdout stays for results) and the command-line jobs; given a
    /// configuration, the alerting stage with an OpenCV picture fitter; for the daemon, the sources,
    /// the detection loop, the record, metrics and the systemd watchdog.
    /// </summary>
    public static IServiceCollection AddEdgeAgent(this IServiceCollection services, IConfiguration? configuration = null, bool daemon = false)
    {
        services.AddLogging(logging => logging
            .AddConfiguration((IConfiguration?)configuration?.GetSection("Logging") ?? new ConfigurationBuilder().Build())
            .SetMinimumLevel(LogLevel.Information)
            .AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.TimestampFormat = "HH:mm:ss ";
                o.UseUtcTimestamp = true;
                o.ColorBehavior = LoggerColorBehavior.Disabled;
            })
            .AddFilter("Microsoft", LogLevel.Warning)
            .Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace));
        services.AddSingleton(sp => new DetectJob(sp.GetRequiredService<ILoggerFactory>(), Console.Error));
        services.AddSingleton<BenchJob>();
        if (configuration is null)
        {
            return services;
        }

        services.AddSingleton(configuration);
        services.AddSingleton<IPictureFitter, JpegPictureFitter>();
        services.AddAlerting(configuration);
        services.AddSingleton<TestAlertJob>();
        services.AddSingleton<AlertBenchJob>();
        if (!daemon)
        {
            return services;
        }

        services.AddOptions<DetectorOptions>().Bind(configuration.GetSection(DetectorOptions.SectionName), o => o.ErrorOnUnknownConfiguration = true);
        services.AddValidatedOptions<SourcesOptions>(configuration, SourcesOptions.SectionName);
        services.AddValidatedOptions<TrackingOptions>(configuration, TrackingOptions.SectionName);
        services.AddValidatedOptions<RecordingOptions>(configuration, RecordingOptions.SectionName);
        services.AddValidatedOptions<MetricsOptions>(configuration, MetricsOptions.SectionName);
        services.AddSingleton<IDetector>(sp => CreateDetector(sp.GetRequiredService<IOptions<DetectorOptions>>().Value, sp.GetRequiredService<ILoggerFactory>()));
        services.AddSingleton<AgentHealth>();
        services.AddSingleton<RecordDatabase>();
        services.AddSingleton<SnapshotStore>();
        services.AddHostedService(sp => sp.GetRequiredService<SnapshotStore>());

        // The pipeline, registered from its end to its start: hosted services stop in reverse order,
        // so the sources stop first, then detection finishes the frames in hand, then the observation
        // stage hands on what detection finished, and the writer commits last.
        var workers = DetectionStage.WorkerCount(configuration.GetSection(DetectorOptions.SectionName).Get<DetectorOptions>() ?? new DetectorOptions());
        services.AddSingleton(_ => new FrameHub(fileCapacity: workers + 2));
        services.AddSingleton(_ => new Resequencer(capacity: (2 * workers) + 2));
        services.AddSingleton<RecordWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<RecordWriter>());
        services.AddHostedService<ObservationStage>();
        services.AddHostedService<DetectionStage>();
        services.AddHostedService<DropFolderService>();
        services.AddHostedService<VideoStreamService>();
        services.AddHostedService<MetricsEndpoint>();
        // AddSystemd registers the notifier only under systemd; outside it the watchdog finds it disabled.
        services.TryAddSingleton<Microsoft.Extensions.Hosting.Systemd.ISystemdNotifier, Microsoft.Extensions.Hosting.Systemd.SystemdNotifier>();
        services.AddHostedService<SystemdWatchdog>();
        return services;
    }

    /// <summary>
    /// Checks the daemon's whole configuration now — alerting, sources, tracking, recording, metrics,
    /// and the model against its manifest — and returns the warnings; problems throw one
    /// <see cref="ConfigurationException"/> that lists them all.
    /// </summary>
    public static IReadOnlyList<string> VerifyDaemonConfiguration(this IServiceProvider services)
    {
        var problems = new List<string>();
        var warnings = new List<string>();
        try
        {
            warnings.AddRange(services.VerifyAlertingConfiguration());
        }
        catch (ConfigurationException e)
        {
            problems.Add(e.Message);
        }

        var sources = services.ReadOptions<SourcesOptions>(SourcesOptions.SectionName, problems);
        services.ReadOptions<TrackingOptions>(TrackingOptions.SectionName, problems);
        services.ReadOptions<RecordingOptions>(RecordingOptions.SectionName, problems);
        services.ReadOptions<MetricsOptions>(MetricsOptions.SectionName, problems);
        if (services.ReadOptions<DetectorOptions>(DetectorOptions.SectionName, problems) is not null)
        {
            try
            {
                services.GetRequiredService<IDetector>();
            }
            catch (ConfigurationException e)
            {
                problems.Add(e.Message);
            }
        }

        if (sources is { DropFolders.Count: 0, Streams.Count: 0 })
        {
            warnings.Add("Sources: no drop folder and no stream: the agent has nothing to watch");
        }

        return problems.Count > 0 ? throw new ConfigurationException(string.Join(Environment.NewLine, problems)) : warnings;
    }

    private static IDetector CreateDetector(DetectorOptions options, ILoggerFactory loggers)
    {
        var workers = DetectionStage.WorkerCount(options);
        return DetectorFactory.Create(
            options.CpuThreads > 0 ? options : options with { CpuThreads = Math.Max(1, Environment.ProcessorCount / workers) },
            loggers,
            backend => AgentMetrics.FramesByBackend.WithLabels(backend.ToString().ToLowerInvariant()).Inc());
    }
}
