namespace EdgeAgent.Hosting;

using System.Collections.Concurrent;
using OpenCvSharp;

/// <summary>What a source has delivered lately, for the station page: its rate, its last frame's time and a small picture of it.</summary>
/// <param name="FramesLastMinute">Frames or pictures that reached the observation stage in the last minute.</param>
/// <param name="LastFrameAt">When the last one did.</param>
/// <param name="Thumbnail">A JPEG of a recent frame, at most <see cref="SourceActivity.ThumbnailWidth"/> wide; null before the first.</param>
/// <param name="ThumbnailAt">When that frame came.</param>
/// <param name="Clock">Its camera's clock, when pictures were flagged for it since the start; else null.</param>
public sealed record SourceSnapshot(int FramesLastMinute, DateTimeOffset? LastFrameAt, byte[]? Thumbnail, DateTimeOffset? ThumbnailAt, ClockWarning? Clock = null);

/// <summary>A camera whose clock cannot be believed: the latest reason, how many of its pictures were flagged since the start, and when the latest came.</summary>
public sealed record ClockWarning(string Issue, int Pictures, DateTimeOffset LatestAt);

/// <summary>
/// Keeps, per source, the arrival times of the last minute's frames and a thumbnail of a recent one.
/// A thumbnail is made at most every <see cref="ThumbnailEvery"/>, so it costs about a millisecond
/// per source every ten seconds, whatever the frame rate.
/// </summary>
public sealed class SourceActivity(TimeProvider time)
{
    /// <summary>Widest thumbnail, in pixels.</summary>
    public const int ThumbnailWidth = 320;

    /// <summary>Least time between two thumbnails of a source.</summary>
    public static readonly TimeSpan ThumbnailEvery = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<string, Activity> _sources = new(StringComparer.Ordinal);

    /// <summary>
    /// A source's frame reached the observation stage; <paramref name="pixels"/> is read only during
    /// the call. <paramref name="clockIssue"/>: why its capture time was not the camera's, if it was not.
    /// </summary>
    public void Saw(string sourceId, Mat pixels, string? clockIssue = null)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        var now = time.GetUtcNow();
        var activity = _sources.GetOrAdd(sourceId, _ => new Activity());
        bool thumbnailDue;
        lock (activity)
        {
            activity.Arrivals.Enqueue(now);
            activity.LastAt = now;
            if (clockIssue is not null)
            {
                activity.Clock = new ClockWarning(clockIssue, (activity.Clock?.Pictures ?? 0) + 1, now);
            }

            while (activity.Arrivals.TryPeek(out var oldest) && now - oldest > TimeSpan.FromMinutes(1))
            {
                activity.Arrivals.Dequeue();
            }

            thumbnailDue = !pixels.Empty() && (activity.ThumbnailAt is not { } at || now - at >= ThumbnailEvery);
            if (thumbnailDue)
            {
                activity.ThumbnailAt = now;
            }
        }

        if (thumbnailDue)
        {
            var scale = Math.Min(1.0, ThumbnailWidth / (double)pixels.Cols);
            using var small = new Mat();
            Cv2.Resize(pixels, small, new Size(Math.Max(1, (int)(pixels.Cols * scale)), Math.Max(1, (int)(pixels.Rows * scale))), interpolation: InterpolationFlags.Area);
            var jpeg = small.ImEncode(".jpg", new ImageEncodingParam(ImwriteFlags.JpegQuality, 70));
            lock (activity)
            {
                activity.Thumbnail = jpeg;
            }
        }
    }

    /// <summary>What a source delivered lately; null when it has delivered nothing since the start.</summary>
    public SourceSnapshot? Of(string sourceId)
    {
        if (!_sources.TryGetValue(sourceId, out var activity))
        {
            return null;
        }

        var now = time.GetUtcNow();
        lock (activity)
        {
            return new SourceSnapshot(activity.Arrivals.Count(a => now - a <= TimeSpan.FromMinutes(1)), activity.LastAt, activity.Thumbnail, activity.ThumbnailAt, activity.Clock);
        }
    }

    private sealed class Activity
    {
        public Queue<DateTimeOffset> Arrivals { get; } = new();

        public DateTimeOffset? LastAt { get; set; }

        public byte[]? Thumbnail { get; set; }

        public DateTimeOffset? ThumbnailAt { get; set; }

        public ClockWarning? Clock { get; set; }
    }
}
