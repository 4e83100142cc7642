namespace EdgeAgent.Sync;


/// <summary>Registration of the sync stage.</summary>
public static class SyncRegistration
{
    /// <summary>
    /// Registers <c>Sync</c> and its stage. Registered even when off: it then takes away the queue's
    /// triggers, so that a database that once shipped does not queue for ever.
    /// </summary>
    public static IServiceCollection AddSync(this IServiceCollection services, IConfiguration configuration) => services
        .AddValidatedOptions<SyncOptions>(configuration)
        .AddHostedSingleton<SyncService>();
}
