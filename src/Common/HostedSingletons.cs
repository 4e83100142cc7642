namespace EdgeAgent.Common;

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

/// <summary>Registration of a stage that runs with the host and that other parts also ask for (its status, its queue).</summary>
public static class HostedSingletons
{
    /// <summary>
    /// Registers <typeparamref name="T"/> as a singleton and as a hosted service that is that same
    /// instance, so what the others read of it is what the host runs.
    /// </summary>
    public static IServiceCollection AddHostedSingleton<T>(this IServiceCollection services)
        where T : class, IHostedService =>
        services.AddSingleton<T>().AddHostedService(sp => sp.GetRequiredService<T>());
}
