namespace EdgeAgent.Station;


/// <summary>Registration of the station page.</summary>
public static class StationRegistration
{
    /// <summary>Registers <c>Station</c> and the page's web server.</summary>
    public static IServiceCollection AddStation(this IServiceCollection services, IConfiguration configuration) => services
        .AddValidatedOptions<StationOptions>(configuration)
        .AddSingleton<StationData>()
        .AddHostedService<StationServer>();
}
