namespace EdgeAgent.IntegrationTests.Servers;

using System.Collections.Concurrent;
using System.Diagnostics;
using MQTTnet;
using MQTTnet.Protocol;

/// <summary>A real Mosquitto broker on a free loopback port.</summary>
internal sealed class Mosquitto : ServerProcess
{
    public int BrokerPort { get; } = FreePort.Next();

    protected override string Name => "mosquitto";

    protected override int Port => BrokerPort;

    public static async Task<Mosquitto> StartNewAsync()
    {
        var broker = new Mosquitto();
        await broker.StartAsync();
        return broker;
    }

    protected override ProcessStartInfo StartInfo()
    {
        var executable = File.Exists("/usr/sbin/mosquitto") ? "/usr/sbin/mosquitto" : "mosquitto";
        var start = new ProcessStartInfo(executable);
        start.ArgumentList.Add("-p");
        start.ArgumentList.Add(BrokerPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return start;
    }
}

/// <summary>A subscriber that records everything published under <c>edge-agent/#</c>.</summary>
internal sealed class MqttProbe : IAsyncDisposable
{
    private readonly IMqttClient _client = new MqttClientFactory().CreateMqttClient();

    public ConcurrentQueue<(string Topic, string Payload, bool Retained)> Received { get; } = new();

    public static async Task<MqttProbe> ConnectAsync(int port)
    {
        var probe = new MqttProbe();
        probe._client.ApplicationMessageReceivedAsync += e =>
        {
            probe.Received.Enqueue((e.ApplicationMessage.Topic, e.ApplicationMessage.ConvertPayloadToString(), e.ApplicationMessage.Retain));
            return Task.CompletedTask;
        };
        await probe._client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithClientId($"probe-{Guid.NewGuid():N}").Build());
        await probe._client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter("edge-agent/#", MqttQualityOfServiceLevel.AtLeastOnce).Build());
        return probe;
    }

    public async Task<List<(string Topic, string Payload, bool Retained)>> WaitForAsync(
        Func<(string Topic, string Payload, bool Retained), bool> match, int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var found = Received.Where(match).ToList();
            if (found.Count >= count || DateTime.UtcNow > deadline)
            {
                return found;
            }

            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_client.IsConnected)
        {
            await _client.DisconnectAsync();
        }

        _client.Dispose();
    }
}
