namespace EdgeAgent.Cli;

using EdgeAgent.Alerting.Geofencing;
using EdgeAgent.Sync;
using Npgsql;

/// <summary>The central database's records in a temporary records file, for the verbs that read records; deleted with this object.</summary>
internal sealed class ProgrammeRecords : IDisposable
{
    private string? _folder;

    /// <summary>The connection string of the central database given with <c>--database</c> (TLS required), its problems named by the option.</summary>
    public static string ConnectionString(string address)
    {
        try
        {
            return CentralDatabase.ConnectionString(address, null, allowUnencrypted: false);
        }
        catch (ConfigurationException e)
        {
            throw new ConfigurationException($"--database: {e.Message}", e);
        }
    }

    /// <summary>Downloads every agent's records; returns the file, the cameras and the zones of every site.</summary>
    public async Task<(string Path, IReadOnlyList<CameraSite> Cameras, ZoneMap Zones)> DownloadAsync(string address, CancellationToken cancellationToken)
    {
        var connection = ConnectionString(address);
        _folder = Directory.CreateTempSubdirectory("edge-agent-programme-").FullName;
        var path = System.IO.Path.Combine(_folder, "records.db");
        await using var central = NpgsqlDataSource.Create(connection);
        try
        {
            var programme = await CentralRecords.DownloadAsync(central, path, cancellationToken).ConfigureAwait(false);
            await Console.Error.WriteLineAsync($"edge-agent: the records of {programme.Agents} agents read from {CentralDatabase.Redacted(address)}").ConfigureAwait(false);
            return (path, programme.Cameras, ZoneMap.Load(new GeofencingOptions { ZonesFile = programme.ZonesFile }));
        }
        catch (NpgsqlException e)
        {
            throw new IOException($"the central database {CentralDatabase.Redacted(address)}: {e.Message}", e);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_folder is not null)
        {
            Directory.Delete(_folder, recursive: true);
        }
    }
}
