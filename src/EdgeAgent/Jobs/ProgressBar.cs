namespace EdgeAgent.Jobs;

using System.Diagnostics;
using System.Globalization;

/// <summary>
/// Progress of a long run on stderr: a redrawn bar on a terminal, a line every ten seconds in a log.
/// </summary>
internal sealed class ProgressBar(TextWriter writer, int total)
{
    private const int Width = 30;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly bool _interactive = ReferenceEquals(writer, Console.Error) && !Console.IsErrorRedirected;
    private int _done;
    private double _lastDrawnSeconds = double.NegativeInfinity;

    public void Advance()
    {
        _done++;
        var interval = _interactive ? 0.2 : 10;
        if (_clock.Elapsed.TotalSeconds - _lastDrawnSeconds >= interval || _done == total)
        {
            Draw();
        }
    }

    public void Finish()
    {
        if (_interactive && total > 0)
        {
            writer.WriteLine();
        }
    }

    private void Draw()
    {
        _lastDrawnSeconds = _clock.Elapsed.TotalSeconds;
        var rate = _done / Math.Max(_clock.Elapsed.TotalSeconds, 1e-3);
        var remaining = rate > 0 ? TimeSpan.FromSeconds((total - _done) / rate) : TimeSpan.Zero;
        var filled = total == 0 ? Width : _done * Width / total;
        var line = string.Create(
            CultureInfo.InvariantCulture,
            $"[{new string('#', filled)}{new string('.', Width - filled)}] {_done}/{total} pictures, {rate:F1}/s, {remaining:hh\\:mm\\:ss} left");
        if (_interactive)
        {
            writer.Write('\r' + line);
        }
        else
        {
            writer.WriteLine(line);
        }
    }
}
