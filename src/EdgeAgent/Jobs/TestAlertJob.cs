namespace EdgeAgent.Jobs;

using EdgeAgent.Alerting.Geofencing;
using EdgeAgent.Common.Observations;
using EdgeAgent.Alerting.Outbox;
using EdgeAgent.Alerting.Rules;
using EdgeAgent.Recording;
using OpenCvSharp;

/// <summary>What one channel did with the test alert.</summary>
public sealed record ChannelResult(string Channel, bool Delivered, string Message);

/// <summary>
/// The <c>send-test-alert</c> verb: proves the installation can reach its rangers. Directly, one
/// alert through every configured channel; or, as a drill, a number of alerts through the outbox,
/// waiting until the outbox is empty.
/// </summary>
public sealed class TestAlertJob(
    IEnumerable<IAlertSender> senders, AlertOutbox outbox, ZoneMap zones, CameraRegistry cameras,
    Microsoft.Extensions.Options.IOptions<GeofencingOptions> geofencing, TimeProvider time)
{
    /// <summary>The configured channels.</summary>
    public IReadOnlyList<string> Channels { get; } = senders.Select(s => s.Channel).ToList();

    /// <summary>Sends one test alert through each channel and says what happened.</summary>
    public async Task<IReadOnlyList<ChannelResult>> SendDirectAsync(CancellationToken cancellationToken)
    {
        var alert = CreateAlert(0);
        var results = new List<ChannelResult>();
        foreach (var sender in senders)
        {
            try
            {
                results.Add(new ChannelResult(sender.Channel, true, await sender.SendAsync(alert, cancellationToken).ConfigureAwait(false)));
            }
            catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or TimeoutException or InvalidOperationException)
            {
                results.Add(new ChannelResult(sender.Channel, false, e.Message));
            }
        }

        return results;
    }

    /// <summary>
    /// Puts <paramref name="count"/> test alerts in the outbox (0: none, only deliver what waits there)
    /// and waits until nothing is pending; the dispatcher must be running.
    /// </summary>
    public async Task<IReadOnlyList<OutboxEntry>> DrillAsync(int count, TimeSpan timeout, CancellationToken cancellationToken)
    {
        for (var i = 1; i <= count; i++)
        {
            await outbox.EnqueueAsync(CreateAlert(i), Channels, cancellationToken).ConfigureAwait(false);
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        while (true)
        {
            var entries = await outbox.ListAsync().ConfigureAwait(false);
            if (entries.All(e => e.State is OutboxState.Sent or OutboxState.Failed) || deadline.IsCancellationRequested)
            {
                return entries;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), time, CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>A test alert from the first configured camera (or a stand-in), with a drawn picture.</summary>
    public Alert CreateAlert(int number)
    {
        var camera = geofencing.Value.Cameras.FirstOrDefault()?.Id ?? "test-camera";
        var position = cameras.PositionOf(camera);
        var zone = position is { } p ? zones.ZonesAt(p).FirstOrDefault() : null;
        var timeZone = cameras.TimeZoneOf(camera);
        var now = time.GetUtcNow();
        var detection = new Detection("test", DetectionCategory.Person, 1f, new BoundingBox(220, 140, 360, 320));
        return new Alert(
            Alert.NewId(),
            now,
            AlertSeverity.Info,
            number == 0 ? "send-test-alert" : $"send-test-alert #{number}",
            new Observation(camera, now, position, detection, TestPicture(detection)),
            zone?.Id,
            zone?.Name,
            [],
            timeZone == TimeZoneInfo.Utc ? null : timeZone.Id);
    }

    private static byte[] TestPicture(Detection detection)
    {
        using var picture = new Mat(600, 800, MatType.CV_8UC3, new Scalar(40, 90, 50));
        picture.PutText("edge-agent test alert", new Point(40, 80), HersheyFonts.HersheySimplex, 1.4, Scalar.White, 3);
        PictureAnnotator.Draw(picture, [detection]);
        return PictureAnnotator.EncodeJpeg(picture);
    }
}
