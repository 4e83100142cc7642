namespace EdgeAgent.Recording;


/// <summary>Registration of the write stage and the record.</summary>
public static class RecordingRegistration
{
    /// <summary>Registers <c>Recording</c>, the record database, the snapshots and the write stage.</summary>
    public static IServiceCollection AddRecording(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddStateDatabase(configuration);
        services.AddValidatedOptions<RecordingOptions>(configuration);
        services.AddSingleton<RecordDatabase>();
        services.AddSingleton<Sources.IPictureLedger>(sp => sp.GetRequiredService<RecordDatabase>());
        services.AddSingleton<Sources.IRecordingLedger>(sp => sp.GetRequiredService<RecordDatabase>());

        // The read side opens the file the write store has created (and brought up to date).
        services.AddSingleton(sp => new RecordQueries(sp.GetRequiredService<RecordDatabase>().Path));
        services.AddHostedSingleton<SnapshotStore>();
        services.AddHostedSingleton<RecordWriter>();
        services.AddHostedService<SourceStateRecorder>();
        return services;
    }
}
