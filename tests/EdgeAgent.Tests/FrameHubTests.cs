namespace EdgeAgent.Tests;

using EdgeAgent.Sources;
using OpenCvSharp;

public sealed class FrameHubTests
{
    private static Frame Video(string source, int n) => new(source, DateTimeOffset.UnixEpoch.AddSeconds(n), new Mat(2, 2, MatType.CV_8UC3), 2, 2, 1f);

    [Fact]
    public void Only_the_newest_video_frame_of_a_stream_waits_and_drops_are_counted()
    {
        var hub = new FrameHub();
        var dropped = new List<string>();
        hub.FrameDropped += dropped.Add;

        for (var n = 0; n < 5; n++)
        {
            hub.OfferVideo(Video("drone-1", n));
        }

        hub.OfferVideo(Video("mast-2", 0));

        using var first = hub.Take(CancellationToken.None);
        using var second = hub.Take(CancellationToken.None);
        Assert.Equal(("drone-1", 4), (first.SourceId, (int)first.CapturedAt.ToUnixTimeSeconds()));
        Assert.Equal("mast-2", second.SourceId);
        Assert.Equal(4, dropped.Count);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        Assert.ThrowsAny<OperationCanceledException>(() => hub.Take(timeout.Token));
    }

    [Fact]
    public async Task Files_are_never_dropped_the_writer_waits_instead()
    {
        var hub = new FrameHub(fileCapacity: 2);
        await hub.EnqueueFileAsync(Video("CT-07", 1), CancellationToken.None);
        await hub.EnqueueFileAsync(Video("CT-07", 2), CancellationToken.None);
        var third = hub.EnqueueFileAsync(Video("CT-07", 3), CancellationToken.None).AsTask();

        // A full queue makes the writer wait: nothing can complete it but a take.
        Assert.False(third.IsCompleted);

        using (var a = hub.Take(CancellationToken.None))
        {
            Assert.Equal(1, a.CapturedAt.ToUnixTimeSeconds());
        }

        await third.WaitAsync(TimeSpan.FromSeconds(5));
        using var b = hub.Take(CancellationToken.None);
        using var c = hub.Take(CancellationToken.None);
        Assert.Equal([2L, 3L], new[] { b.CapturedAt.ToUnixTimeSeconds(), c.CapturedAt.ToUnixTimeSeconds() });
    }
}
