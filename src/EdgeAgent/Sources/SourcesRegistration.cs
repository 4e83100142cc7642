namespace EdgeAgent.Sources;

using EdgeAgent.Detection;

/// <summary>Registration of the sources and their hand-off to the detector.</summary>
public static class SourcesRegistration
{
    /// <summary>
    /// Registers <c>Sources</c>, the frame hub, the drop folders and the video streams. The hub has
    /// room for a picture per worker and two more, so a worker never waits on a decode that just finished.
    /// </summary>
    public static IServiceCollection AddSources(this IServiceCollection services, IConfiguration configuration) => services
        .AddValidatedOptions<SourcesOptions>(configuration)
        .AddSingleton(sp => new FrameHub(fileCapacity: sp.GetRequiredService<IOptions<DetectorOptions>>().Value.WorkerCount + 2))
        .AddHostedService<DropFolderService>()
        .AddHostedService<VideoStreamService>();
}
