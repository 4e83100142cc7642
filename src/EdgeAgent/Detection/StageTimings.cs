namespace EdgeAgent.Detection;

using System.Diagnostics;

/// <summary>The steps a picture goes through, for per-stage timing.</summary>
public enum Stage
{
    Read,
    Decode,
    Preprocess,
    Inference,
    Postprocess,
    Classify,
}

/// <summary>Total time and count per stage, summed across threads.</summary>
public sealed class StageTimings
{
    private readonly long[] _ticks = new long[Enum.GetValues<Stage>().Length];
    private readonly long[] _counts = new long[Enum.GetValues<Stage>().Length];

    /// <summary>Adds the time since <paramref name="startTimestamp"/> (a <see cref="Stopwatch"/> timestamp) to a stage.</summary>
    public void Add(Stage stage, long startTimestamp)
    {
        Interlocked.Add(ref _ticks[(int)stage], Stopwatch.GetTimestamp() - startTimestamp);
        Interlocked.Increment(ref _counts[(int)stage]);
    }

    /// <summary>Mean milliseconds a stage took per call; 0 if it never ran.</summary>
    public double MeanMilliseconds(Stage stage)
    {
        var count = Interlocked.Read(ref _counts[(int)stage]);
        return count == 0 ? 0 : Interlocked.Read(ref _ticks[(int)stage]) * 1000.0 / Stopwatch.Frequency / count;
    }
}
