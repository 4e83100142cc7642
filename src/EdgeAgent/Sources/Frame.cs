namespace EdgeAgent.Sources;

using EdgeAgent.Common.Observations;
using OpenCvSharp;

/// <summary>
/// One picture from a source on its way through the pipeline: a camera-trap file or a video frame,
/// with where the camera was and looked when it was taken (its pose), if known. The stage that
/// finishes with a frame disposes it; <see cref="Done"/> tells the source when its record is committed.
/// </summary>
public sealed class Frame : IDisposable
{
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>A frame of decoded pixels.</summary>
    public Frame(string sourceId, DateTimeOffset capturedAt, Mat pixels, int width, int height, float decodeScale, FileKey? file = null, CameraPose? pose = null)
    {
        SourceId = sourceId;
        CapturedAt = capturedAt;
        Pixels = pixels;
        Width = width;
        Height = height;
        DecodeScale = decodeScale;
        File = file;
        Pose = pose;
    }

    /// <summary>The source id (camera id).</summary>
    public string SourceId { get; }

    /// <summary>Capture time: EXIF for camera-trap files (else the file's arrival), the read time for video.</summary>
    public DateTimeOffset CapturedAt { get; }

    /// <summary>8-bit BGR pixels, possibly a reduced-size decode; empty for a file that could not be read.</summary>
    public Mat Pixels { get; }

    /// <summary>Width of the original picture.</summary>
    public int Width { get; }

    /// <summary>Height of the original picture.</summary>
    public int Height { get; }

    /// <summary>Original pixels per decoded pixel.</summary>
    public float DecodeScale { get; }

    /// <summary>Where the camera was and looked; null when unknown.</summary>
    public CameraPose? Pose { get; }

    /// <summary>A frame of a video stream (not a picture): its animals are named per track, on a few of the track's frames.</summary>
    public bool IsVideo { get; init; }

    /// <summary>Run the model on tiles of it too, when it is large: a drone's animals are a few dozen pixels in a 4K frame.</summary>
    public bool Tile { get; init; }

    /// <summary>Why the picture could not be read or decoded: it goes through the stages to be recorded as failed, without detection.</summary>
    public string? Failure { get; init; }

    /// <summary>Why a camera-trap picture's own capture time was not taken (<see cref="CaptureClock"/>), and what it said; null when it was.</summary>
    public CaptureTime? Clock { get; init; }

    /// <summary>The frame's place in its source's order, given when the detector takes it; results leave the pipeline in this order.</summary>
    public long Sequence { get; internal set; }

    /// <summary>When the agent got the picture: the file's last write (its arrival), or the read time for video.</summary>
    public DateTimeOffset ReceivedAt => File is { } file ? new DateTimeOffset(file.ModifiedTicks, TimeSpan.Zero) : CapturedAt;

    /// <summary>The camera-trap file, for files; null for video.</summary>
    public FileKey? File { get; }

    /// <summary>For a frame of a recorded video file: the file and where in it the frame stands; null otherwise.</summary>
    public RecordingPlace? Recording { get; init; }

    /// <summary>Completes when the frame's record is committed (or it was dropped), so a drop folder knows the file is done.</summary>
    public Task Done => _done.Task;

    /// <summary>Marks the frame done.</summary>
    public void Complete() => _done.TrySetResult();

    /// <inheritdoc />
    public void Dispose() => Pixels.Dispose();
}
