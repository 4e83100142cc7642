namespace EdgeAgent.IntegrationTests;

using EdgeAgent.Alerting;
using EdgeAgent.Alerting.Geofencing;
using EdgeAgent.Alerting.Observations;
using EdgeAgent.Configuration;
using EdgeAgent.Testing;
using Microsoft.Extensions.DependencyInjection;

/// <summary>The shipped example configuration is valid and means what its comments say.</summary>
public sealed class ExampleConfigurationTests
{
    [Fact]
    public void The_example_configuration_loads_and_passes_every_check()
    {
        var path = Path.Combine(TestPaths.RepositoryRoot, "deploy", "edge-agent.example.json");
        using (var withoutPassword = new ServiceCollection().AddEdgeAgent(AgentConfiguration.Load(path)).BuildServiceProvider())
        {
            var error = Assert.Throws<ConfigurationException>(() => withoutPassword.VerifyAlertingConfiguration());
            Assert.Contains("Email__Password", error.Message, StringComparison.Ordinal);
        }

        // The password comes from the environment, as on a device.
        Environment.SetEnvironmentVariable("Email__Password", "from-the-environment");
        IReadOnlyList<string> warnings;
        using var services = new ServiceCollection().AddEdgeAgent(AgentConfiguration.Load(path)).BuildServiceProvider();
        try
        {
            warnings = services.VerifyAlertingConfiguration();
        }
        finally
        {
            Environment.SetEnvironmentVariable("Email__Password", null);
        }

        Assert.Empty(warnings);
        var zones = services.GetRequiredService<ZoneMap>();
        var camera = services.GetRequiredService<CameraRegistry>().PositionOf("CT-07");
        Assert.Equal(["rhino-sanctuary", "park"], zones.ZonesAt(camera!.Value).Select(z => z.Id));
        Assert.Empty(zones.ZonesAt(new GeoPosition(-1.27, 35.22)));
        Assert.Equal(["park"], zones.ZonesAt(new GeoPosition(-1.47, 35.42)).Select(z => z.Id));
    }
}
