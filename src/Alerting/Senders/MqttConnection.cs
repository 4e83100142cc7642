namespace EdgeAgent.Alerting.Senders;

using System.Text;
using System.Threading.Channels;
using EdgeAgent.Alerting.Outbox;
using EdgeAgent.Alerting.Rules;
using MQTTnet;
using MQTTnet.Protocol;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

/// <summary>
/// The agent's one connection to the broker, kept up for months: reconnects with backoff, announces
/// <c>online</c> on a retained status topic, and leaves a last will that says <c>offline</c>. Detection
/// events wait in a bounded queue while the broker is away; alerts go through the outbox.
/// </summary>
public sealed partial class MqttConnection : BackgroundService, IAlertSender
{
    private readonly MqttOptions _options;
    private readonly ILogger<MqttConnection> _logger;
    private readonly IMqttClient _client;
    private readonly Channel<string> _events;
    private readonly SemaphoreSlim _connectGate = new(1, 1);
    private long _droppedEvents;

    /// <summary>Creates the connection; it opens when the host starts it.</summary>
    public MqttConnection(IOptions<MqttOptions> options, IOptions<AlertingOptions> alerting, ILogger<MqttConnection> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(alerting);
        _options = options.Value;
        _logger = logger;
        var root = $"{_options.TopicPrefix}/{alerting.Value.DeviceId}";
        EventsTopic = $"{root}/events";
        StatusTopic = $"{root}/status";
        ClientId = $"edge-agent-{alerting.Value.DeviceId}";
        _client = new MqttClientFactory().CreateMqttClient();
        _events = System.Threading.Channels.Channel.CreateBounded<string>(new BoundedChannelOptions(Math.Max(1, _options.EventQueueSize))
        {
            FullMode = BoundedChannelFullMode.DropOldest,
        }, _ => Interlocked.Increment(ref _droppedEvents));
    }

    /// <summary>Topic of alert and detection events.</summary>
    public string EventsTopic { get; }

    /// <summary>Retained topic that says <c>online</c> or <c>offline</c>.</summary>
    public string StatusTopic { get; }

    /// <summary>The MQTT client id.</summary>
    public string ClientId { get; }

    /// <summary>Whether the broker is connected now.</summary>
    public bool IsConnected => _client.IsConnected;

    /// <summary>Detection events waiting for the broker.</summary>
    public int QueuedEvents => _events.Reader.Count;

    /// <summary>Detection events dropped because the queue was full.</summary>
    public long DroppedEvents => Interlocked.Read(ref _droppedEvents);

    /// <inheritdoc />
    public string Channel => "mqtt";

    /// <summary>Queues a detection event (JSON); it is published when the broker is there.</summary>
    public void QueueEvent(string json) => _events.Writer.TryWrite(json);

    /// <summary>Publishes an alert event at QoS 1 and waits for the broker's acknowledgement.</summary>
    public async Task<string> SendAsync(Alert alert, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(alert);
        await EnsureConnectedAsync(cancellationToken).ConfigureAwait(false);
        return await PublishAsync(EventsTopic, EventPayloads.Alert(alert), retain: false, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Connects now if not connected; throws when the broker cannot be reached.</summary>
    public async Task EnsureConnectedAsync(CancellationToken cancellationToken)
    {
        if (_client.IsConnected)
        {
            return;
        }

        await _connectGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_client.IsConnected)
            {
                return;
            }

            var builder = new MqttClientOptionsBuilder()
                .WithTcpServer(_options.Host, _options.Port)
                .WithClientId(ClientId)
                .WithKeepAlivePeriod(_options.KeepAlive)
                .WithTimeout(TimeSpan.FromSeconds(10))
                .WithCleanSession(true)
                .WithWillTopic(StatusTopic)
                .WithWillPayload(Encoding.UTF8.GetBytes("offline"))
                .WithWillRetain(true)
                .WithWillQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce);
            if (_options.Username.Length > 0)
            {
                builder.WithCredentials(_options.Username, _options.Password);
            }

            if (_options.UseTls)
            {
                builder.WithTlsOptions(o => o.UseTls());
            }

            var result = await _client.ConnectAsync(builder.Build(), cancellationToken).ConfigureAwait(false);
            if (result.ResultCode != MqttClientConnectResultCode.Success)
            {
                throw new IOException($"MQTT broker {_options.Host}:{_options.Port} refused the connection: {result.ResultCode} {result.ReasonString}");
            }

            await PublishAsync(StatusTopic, "online", retain: true, cancellationToken).ConfigureAwait(false);
            LogConnected(_options.Host, _options.Port);
        }
        catch (Exception e) when (e is not (OperationCanceledException or IOException))
        {
            throw new IOException($"MQTT broker {_options.Host}:{_options.Port}: {e.Message}", e);
        }
        finally
        {
            _connectGate.Release();
        }
    }

    /// <inheritdoc />
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        if (_client.IsConnected)
        {
            try
            {
                // A clean stop says offline itself: the broker sends the last will only when the link breaks.
                await PublishAsync(StatusTopic, "offline", retain: true, cancellationToken).ConfigureAwait(false);
                await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build(), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or MQTTnet.Exceptions.MqttCommunicationException or OperationCanceledException)
            {
                LogStopError(e.Message);
            }
        }
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        _client.Dispose();
        _connectGate.Dispose();
        base.Dispose();
    }

    /// <summary>Keeps the connection up and drains the detection-event queue.</summary>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await EnsureConnectedAsync(stoppingToken).ConfigureAwait(false);
                failures = 0;
                using var poll = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                poll.CancelAfter(_options.KeepAlive);
                try
                {
                    while (await _events.Reader.WaitToReadAsync(poll.Token).ConfigureAwait(false))
                    {
                        if (_events.Reader.TryPeek(out var json))
                        {
                            await PublishAsync(EventsTopic, json, retain: false, stoppingToken).ConfigureAwait(false);
                            _events.Reader.TryRead(out _);
                        }
                    }
                }
                catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
                {
                    // Poll period over: check the connection again.
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                failures++;
                var delay = RetryPolicy.DelayAfter(failures, TimeSpan.FromSeconds(1), _options.MaxReconnectDelay, Random.Shared);
                LogDisconnected(_options.Host, _options.Port, e.Message, delay.TotalSeconds);
                await Task.Delay(delay, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    private async Task<string> PublishAsync(string topic, string payload, bool retain, CancellationToken cancellationToken)
    {
        var message = new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(Encoding.UTF8.GetBytes(payload))
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .WithRetainFlag(retain)
            .Build();
        try
        {
            var result = await _client.PublishAsync(message, cancellationToken).ConfigureAwait(false);
            return result.IsSuccess
                ? $"broker acknowledged on {topic}"
                : throw new IOException($"MQTT broker did not accept the message on {topic}: {result.ReasonCode} {result.ReasonString}");
        }
        catch (Exception e) when (e is not (OperationCanceledException or IOException))
        {
            throw new IOException($"MQTT broker {_options.Host}:{_options.Port}: {e.Message}", e);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "MQTT connected to {Host}:{Port}")]
    private partial void LogConnected(string host, int port);

    [LoggerMessage(Level = LogLevel.Warning, Message = "MQTT: could not say offline while stopping: {Error}")]
    private partial void LogStopError(string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "MQTT broker {Host}:{Port} not reachable: {Error}; next try in {Seconds:F0} s")]
    private partial void LogDisconnected(string host, int port, string error, double seconds);
}
