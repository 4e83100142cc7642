namespace EdgeAgent;

using EdgeAgent.Alerting;
using EdgeAgent.Common.Observations;
using EdgeAgent.Alerting.Rules;
using EdgeAgent.Alerting.Senders;
using EdgeAgent.Detection;
using EdgeAgent.Hosting;
using EdgeAgent.Jobs;
using EdgeAgent.Pipeline;
using EdgeAgent.Recording;
using EdgeAgent.Sources;
using EdgeAgent.Station;
using EdgeAgent.Sync;
using EdgeAgent.Tracking;
using EdgeAgent.Verdicts;
using Microsoft.Extensions.Logging.Console;

/// <summary>
/// The composition root: the one host every verb builds — logging and the command-line jobs; with a
/// configuration file, the alerting stage; and for the daemon (and its check) the pipeline's stages,
/// one <c>AddXxx()</c> each.
/// </summary>
public static class AgentHost
{
    /// <summary>A host builder with logging, the jobs and, given a configuration, alerting.</summary>
    public static HostApplicationBuilder CreateBuilder(IConfiguration? configuration)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        if (configuration is not null)
        {
            builder.Configuration.AddConfiguration(configuration);
        }

        var services = builder.Services;
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

            // A stop while the host starts cancels the stages it has started, and the host logs each as
            // a stage that failed, with a stack trace, though none did (dotnet/runtime#98935; run says
            // "stopped while starting"). Its log is left out: run itself names a stage that fails, with
            // its exception, as it exits.
            .AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.None)

            // Everything to stderr: stdout is for results (detect's summary, counts' CSV).
            .Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace));
        services.AddSingleton(sp => new DetectJob(sp.GetRequiredService<ILoggerFactory>(), Console.Error));
        services.AddSingleton<BenchJob>();
        if (configuration is not null)
        {
            services.AddSingleton<IPictureFitter, JpegPictureFitter>();
            services.AddAlerting(configuration);
            services.AddSingleton<TestAlertJob>();
            services.AddSingleton<AlertBenchJob>();
        }

        return builder;
    }

    /// <summary>
    /// The field daemon's stages, registered from the pipeline's end to its start: hosted services
    /// stop in reverse order, so the sources stop first, detection finishes the frames in hand, the
    /// observation stage hands on what it finished, and the writer commits last; the sync stage then
    /// ships what the stop recorded; the outbox's dispatchers (registered with alerting, before) stop
    /// after it, and the detector is released with the container, after every stage.
    /// </summary>
    public static IServiceCollection AddFieldDaemon(this IServiceCollection services, IConfiguration configuration) => services
        .AddHealth(configuration)
        .AddVerdicts(configuration)
        .AddStation(configuration)
        .AddSync(configuration)
        .AddRecording(configuration)
        .AddPipeline(configuration)
        .AddSources(configuration);

    /// <summary>
    /// Checks the daemon's whole configuration now — alerting, sources, tracking, recording, metrics,
    /// the station page, and the model against its manifest — and returns the warnings; problems throw one
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

        var sources = services.ReadOptions<SourcesOptions>(problems);
        services.ReadOptions<TrackingOptions>(problems);
        services.ReadOptions<RecordingOptions>(problems);
        services.ReadOptions<MetricsOptions>(problems);
        services.ReadOptions<StationOptions>(problems);
        services.ReadOptions<VerdictOptions>(problems);
        services.ReadOptions<SyncOptions>(problems);
        if (services.ReadOptions<DetectorOptions>(problems) is { } detector)
        {
            var ids = sources?.DropFolders.Select(f => f.Id).Concat(sources.Streams.Select(s => s.Id)).ToHashSet(StringComparer.Ordinal) ?? [];
            problems.AddRange(detector.Classifier.ExpectedAt.Keys.Where(id => sources is not null && !ids.Contains(id))
                .Select(id => $"Detector:Classifier:ExpectedAt:{id}: no source has this id (sources: {string.Join(", ", ids.Order(StringComparer.Ordinal))})"));
            try
            {
                problems.AddRange(RuleObjectProblems(services, services.GetRequiredService<IDetector>()));
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

    /// <summary>A rule object the model cannot produce ("persn") would never match: named, with what it can.</summary>
    private static IEnumerable<string> RuleObjectProblems(IServiceProvider services, IDetector detector)
    {
        var manifest = detector.Manifest;
        // Already reported when the section itself is wrong.
        if (services.ReadOptions<AlertingOptions>(new List<string>()) is not { } alerting)
        {
            yield break;
        }

        var rules = alerting.Rules;
        var known = manifest.ClassLabels.Where((_, i) => manifest.ClassCategories[i] is not null)
            .Concat(Enum.GetValues<DetectionCategory>().Select(c => c.Name()))
            .Concat((detector as Species.ClassifyingDetector)?.Reachable.SelectMany(t => new[] { t.ScientificName, t.CommonName }) ?? [])
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < rules.Count; i++)
        {
            foreach (var unknown in rules[i].Objects.Where(o => !known.Contains(o)))
            {
                yield return $"Alerting:Rules:{i}:Objects: '{unknown}' is neither a category (animal, person, vehicle) nor a label or taxon model {manifest.Name} (and its classifier) reports";
            }
        }
    }
}
