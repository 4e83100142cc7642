namespace EdgeAgent.IntegrationTests;

using EdgeAgent.Alerting;
using EdgeAgent.Alerting.Geofencing;
using EdgeAgent.Common.Observations;
using EdgeAgent.Common;
using EdgeAgent.Configuration;
using EdgeAgent.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

/// <summary>The shipped example configuration is valid and means what its comments say.</summary>
public sealed class ExampleConfigurationTests
{
    private static readonly string Example = Path.Combine(TestPaths.RepositoryRoot, "deploy", "edge-agent.example.json");

    /// <summary>The example as a device would see it, with what the device adds (here in memory, not the environment, which other tests' processes share).</summary>
    private static IConfiguration OnDevice(Dictionary<string, string?> device) =>
        new ConfigurationBuilder().AddConfiguration(AgentConfiguration.Load(Example)).AddInMemoryCollection(device).Build();

    [Fact]
    public void The_example_configuration_passes_every_check_once_the_device_gives_the_password()
    {
        using (var withoutPassword = AgentHost.CreateBuilder(OnDevice([])).Build())
        {
            var error = Assert.Throws<ConfigurationException>(() => withoutPassword.Services.VerifyAlertingConfiguration());
            Assert.Contains("Email__Password", error.Message, StringComparison.Ordinal);
        }

        using var folder = new TempFolder();
        var device = new Dictionary<string, string?>
        {
            ["Email:Password"] = "from-the-environment",
            ["Sources:DropFolders:0:Path"] = folder.Path,
            ["Detector:Provider"] = "Cpu",
            ["Database:Path"] = folder.File("edge-agent.db"),
        };
        var builder = AgentHost.CreateBuilder(OnDevice(device));
        builder.Services.AddFieldDaemon(OnDevice(device));
        using var host = builder.Build();
        var services = host.Services;

        Assert.Empty(services.VerifyDaemonConfiguration());
        var zones = services.GetRequiredService<ZoneMap>();
        var camera = services.GetRequiredService<CameraRegistry>().PositionOf("CT-07");
        Assert.Equal(["rhino-sanctuary", "park"], zones.ZonesAt(camera!.Value).Select(z => z.Id));
        Assert.Empty(zones.ZonesAt(new GeoPosition(-1.27, 35.22)));
        Assert.Equal(["park"], zones.ZonesAt(new GeoPosition(-1.47, 35.42)).Select(z => z.Id));
    }
}
