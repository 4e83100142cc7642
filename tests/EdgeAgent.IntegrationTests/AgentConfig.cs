namespace EdgeAgent.IntegrationTests;

using System.Text.Json.Nodes;
using EdgeAgent.IntegrationTests.Servers;
using EdgeAgent.Testing;

/// <summary>Writes an agent configuration file (and its zones file) for a test, pointing at the test's servers.</summary>
internal static class AgentConfig
{
    public const string Zones = """
        { "type": "FeatureCollection", "features": [
          { "type": "Feature", "properties": { "id": "rhino", "name": "Rhino Sanctuary" },
            "geometry": { "type": "Polygon", "coordinates": [ [[35.0,-1.5],[35.3,-1.5],[35.3,-1.2],[35.0,-1.2],[35.0,-1.5]] ] } } ] }
        """;

    /// <summary>The configuration as a JSON object the test may change before <see cref="Write"/>.</summary>
    public static JsonObject Create(TempFolder folder, Smtp4dev? smtp = null, Mosquitto? mqtt = null)
    {
        File.WriteAllText(folder.File("zones.geojson"), Zones);
        var config = new JsonObject
        {
            ["Alerting"] = new JsonObject
            {
                ["DeviceId"] = "jetson-test",
                ["Rules"] = new JsonArray(new JsonObject
                {
                    ["Name"] = "poacher-in-rhino-zone",
                    ["Objects"] = new JsonArray("person", "vehicle"),
                    ["Where"] = "Inside",
                    ["Zones"] = new JsonArray("rhino"),
                    ["Severity"] = "Critical",
                }),
            },
            ["Geofencing"] = new JsonObject
            {
                ["ZonesFile"] = "zones.geojson",
                ["Cameras"] = new JsonArray(new JsonObject { ["Id"] = "CT-07", ["Latitude"] = -1.4, ["Longitude"] = 35.1, ["TimeZone"] = "Africa/Nairobi" }),
            },
            ["Database"] = new JsonObject { ["Path"] = "state/edge-agent.db" },
            ["Outbox"] = new JsonObject { ["InitialRetryDelay"] = "00:00:01", ["MaxRetryDelay"] = "00:00:02" },

            // Agents of tests running side by side each have a page of their own.
            ["Station"] = new JsonObject { ["Listen"] = $"127.0.0.1:{FreePort.Next()}" },
        };
        if (smtp is not null)
        {
            config["Email"] = new JsonObject
            {
                ["Host"] = "localhost",
                ["Port"] = smtp.SmtpPort,
                ["TrustedCertificate"] = smtp.Certificate,
                ["From"] = "edge-agent@example.org",
                ["To"] = new JsonArray("ranger@example.org"),
            };
        }

        if (mqtt is not null)
        {
            config["Mqtt"] = new JsonObject { ["Host"] = "127.0.0.1", ["Port"] = mqtt.BrokerPort };
        }

        return config;
    }

    public static string Write(TempFolder folder, JsonObject config)
    {
        var path = folder.File("agent.json");
        File.WriteAllText(path, config.ToJsonString());
        return path;
    }
}
