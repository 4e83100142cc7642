namespace EdgeAgent.Pipeline;

using EdgeAgent.Common;
using EdgeAgent.Detection;
using EdgeAgent.Tracking;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

/// <summary>Registration of the daemon's detect and observation stages.</summary>
public static class PipelineRegistration
{
    /// <summary>Registers <c>Tracking</c>, the resequencer between them, and the two stages.</summary>
    public static IServiceCollection AddPipeline(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<TrackingOptions>(configuration, TrackingOptions.SectionName);
        services.AddSingleton(sp => new Resequencer(capacity: (2 * DetectionStage.WorkerCount(sp.GetRequiredService<IOptions<DetectorOptions>>().Value)) + 2));
        services.AddHostedService<ObservationStage>();
        services.AddHostedService<DetectionStage>();
        return services;
    }
}
