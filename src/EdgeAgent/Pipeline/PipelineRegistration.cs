namespace EdgeAgent.Pipeline;

using EdgeAgent.Detection;
using EdgeAgent.Hosting;
using EdgeAgent.Tracking;

/// <summary>Registration of the daemon's detector and its detect and observation stages.</summary>
public static class PipelineRegistration
{
    /// <summary>
    /// Registers <c>Detector</c> and the one detector (ONNX Runtime, or Triton with the local model as
    /// fallback, with the species stage), shared by every worker; <c>Tracking</c>; the resequencer
    /// between the stages; and the two stages.
    /// </summary>
    public static IServiceCollection AddPipeline(this IServiceCollection services, IConfiguration configuration) => services
        .AddValidatedOptions<DetectorOptions>(configuration)
        .AddSingleton(CreateDetector)
        .AddValidatedOptions<TrackingOptions>(configuration)
        .AddSingleton(sp => new Resequencer(capacity: (2 * sp.GetRequiredService<IOptions<DetectorOptions>>().Value.WorkerCount) + 2))
        .AddHostedService<ObservationStage>()
        .AddHostedService<DetectionStage>();

    private static IDetector CreateDetector(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<DetectorOptions>>().Value;
        return DetectorFactory.Create(
            options.CpuThreads > 0 ? options : options with { CpuThreads = Math.Max(1, Environment.ProcessorCount / options.WorkerCount) },
            services.GetRequiredService<ILoggerFactory>(),
            backend => AgentMetrics.FramesByBackend.WithLabels(backend.ToString().ToLowerInvariant()).Inc());
    }
}
