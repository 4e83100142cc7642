namespace EdgeAgent.Detection;

using EdgeAgent.Common;
using EdgeAgent.Hosting;
using EdgeAgent.Pipeline;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

/// <summary>Registration of the detector the daemon's detect stage runs.</summary>
public static class DetectionRegistration
{
    /// <summary>Registers <c>Detector</c> and the one detector (ONNX Runtime, or Triton with the local model as fallback), shared by every worker.</summary>
    public static IServiceCollection AddDetection(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<DetectorOptions>(configuration, DetectorOptions.SectionName);
        services.AddSingleton<IDetector>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<DetectorOptions>>().Value;
            var workers = DetectionStage.WorkerCount(options);
            return DetectorFactory.Create(
                options.CpuThreads > 0 ? options : options with { CpuThreads = Math.Max(1, Environment.ProcessorCount / workers) },
                sp.GetRequiredService<ILoggerFactory>(),
                backend => AgentMetrics.FramesByBackend.WithLabels(backend.ToString().ToLowerInvariant()).Inc());
        });
        return services;
    }
}
