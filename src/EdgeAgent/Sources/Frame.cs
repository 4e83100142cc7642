namespace EdgeAgent.Sources;

using OpenCvSharp;

/// <summary>
/// One picture from a source, on its way to the detector: a camera-trap file or a video frame.
/// </summary>
public sealed class Frame : IDisposable
{
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>A frame of decoded pixels.</summary>
    public Frame(string sourceId, DateTimeOffset capturedAt, Mat pixels, int width, int height, float decodeScale, Recording.FileKey? file = null)
    {
        SourceId = sourceId;
        CapturedAt = capturedAt;
        Pixels = pixels;
        Width = width;
        Height = height;
        DecodeScale = decodeScale;
        File = file;
    }

    /// <summary>The source id (camera id).</summary>
    public string SourceId { get; }

    /// <summary>Capture time: EXIF for camera-trap files (else the file's arrival), the read time for video.</summary>
    public DateTimeOffset CapturedAt { get; }

    /// <summary>8-bit BGR pixels, possibly a reduced-size decode.</summary>
    public Mat Pixels { get; }

    /// <summary>Width of the original picture.</summary>
    public int Width { get; }

    /// <summary>Height of the original picture.</summary>
    public int Height { get; }

    /// <summary>Original pixels per decoded pixel.</summary>
    public float DecodeScale { get; }

    /// <summary>When the agent got the picture: the file's last write (its arrival), or the read time for video.</summary>
    public DateTimeOffset ReceivedAt => File is { } file ? new DateTimeOffset(file.ModifiedTicks, TimeSpan.Zero) : CapturedAt;

    /// <summary>The camera-trap file, for files; null for video.</summary>
    public Recording.FileKey? File { get; }

    /// <summary>Completes when the frame's detections are recorded (or it failed), so a drop folder knows the file is done.</summary>
    public Task Done => _done.Task;

    /// <summary>Marks the frame done.</summary>
    public void Complete(Exception? error = null)
    {
        if (error is null)
        {
            _done.TrySetResult();
        }
        else
        {
            _done.TrySetException(error);
        }
    }

    /// <inheritdoc />
    public void Dispose() => Pixels.Dispose();
}
