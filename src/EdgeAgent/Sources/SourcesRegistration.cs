namespace EdgeAgent.Sources;

using EdgeAgent.Common;
using EdgeAgent.Detection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

/// <summary>Registration of the sources and their hand-off to the detector.</summary>
public static class SourcesRegistration
{
    /// <summary>Registers <c>Sources</c>, the frame hub, the drop folders and the video streams.</summary>
    public static IServiceCollection AddSources(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<SourcesOptions>(configuration, SourcesOptions.SectionName);

        // Room for a picture per worker and two more, so a worker never waits on a decode that just finished.
        services.AddSingleton(sp => new FrameHub(fileCapacity: sp.GetRequiredService<IOptions<DetectorOptions>>().Value.WorkerCount + 2));
        services.AddHostedService<DropFolderService>();
        services.AddHostedService<VideoStreamService>();
        return services;
    }
}
