namespace EdgeAgent.Sources;

using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;

/// <summary>
/// Reads a network stream (RTSP, UDP MPEG-TS, HTTP) through an <c>ffmpeg</c> process that writes raw
/// BGR frames to a pipe. The FFmpeg inside OpenCvSharp's x64 runtime opens files but no network
/// protocols, and a process is also the one thing that can always be stopped: a stalled camera is
/// a killed child, never a thread blocked for ever.
/// </summary>
internal sealed class FfmpegStream : IDisposable
{
    private readonly Process _process;
    private readonly Stream _frames;
    private readonly byte[] _buffer;

    private FfmpegStream(Process process, int width, int height)
    {
        _process = process;
        _frames = process.StandardOutput.BaseStream;
        Width = width;
        Height = height;
        _buffer = new byte[width * height * 3];
    }

    public int Width { get; }

    public int Height { get; }

    /// <summary>The last lines ffmpeg wrote on stderr: why it stopped.</summary>
    public string LastError { get; private set; } = "";

    /// <summary>
    /// Probes the stream for its size, then starts decoding it at <paramref name="fps"/> frames per
    /// second; with <paramref name="klvPort"/>, its first data stream (the KLV) goes as it comes to
    /// that UDP port on the loopback.
    /// </summary>
    public static FfmpegStream Open(string url, double fps, TimeSpan timeout, int? klvPort = null)
    {
        var (width, height) = Probe(url, timeout);
        var start = new ProcessStartInfo("ffmpeg") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in InputArguments(url, timeout))
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var argument in new[] { "-map", "0:v:0", "-vf", string.Create(CultureInfo.InvariantCulture, $"fps={fps}"), "-f", "rawvideo", "-pix_fmt", "bgr24", "-" })
        {
            start.ArgumentList.Add(argument);
        }

        if (klvPort is { } port)
        {
            // A second output of the same process: one demuxer, so no packet is read twice or missed,
            // and each KLV packet flushed as it comes rather than when a datagram's worth has gathered.
            foreach (var argument in new[] { "-map", "0:d:0", "-c", "copy", "-flush_packets", "1", "-f", "data", $"udp://127.0.0.1:{port}?pkt_size=1316" })
            {
                start.ArgumentList.Add(argument);
            }
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("ffmpeg did not start");
        var stream = new FfmpegStream(process, width, height);
        process.ErrorDataReceived += (_, e) =>
        {
            if (!string.IsNullOrWhiteSpace(e.Data))
            {
                stream.LastError = e.Data.Contains("matches no streams", StringComparison.Ordinal) ? "no KLV data stream in it" : e.Data;
            }
        };
        process.BeginErrorReadLine();
        return stream;
    }

    /// <summary>Reads the next frame into a BGR buffer; false when the stream ended or nothing came within <paramref name="timeout"/>.</summary>
    public bool TryRead(TimeSpan timeout, out byte[] frame)
    {
        frame = _buffer;
        var stalled = false;

        // A read from a pipe cannot be relied on to cancel; killing ffmpeg closes the pipe and ends it.
        using var watchdog = new Timer(
            _ =>
            {
                stalled = true;
                Kill();
            },
            null,
            timeout,
            Timeout.InfiniteTimeSpan);
        try
        {
            _frames.ReadExactly(_buffer);
            return true;
        }
        catch (Exception e) when (e is EndOfStreamException or IOException)
        {
            LastError = stalled ? $"no frame for {timeout.TotalSeconds:F0} s" : LastError.Length > 0 ? LastError : "the stream ended";
            return false;
        }
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }

    private void Kill()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // Already gone.
        }
    }

    private static IEnumerable<string> InputArguments(string url, TimeSpan timeout)
    {
        yield return "-hide_banner";
        yield return "-loglevel";
        yield return "error";
        if (url.StartsWith("rtsp://", StringComparison.OrdinalIgnoreCase))
        {
            // TCP: RTP over UDP loses packets on field links and smears the picture.
            yield return "-rtsp_transport";
            yield return "tcp";
            yield return "-timeout";
            yield return ((long)timeout.TotalMicroseconds).ToString(CultureInfo.InvariantCulture);
        }

        // One second of analysis is enough to learn the size from a camera that sends a key frame each second.
        yield return "-analyzeduration";
        yield return "1000000";
        yield return "-fflags";
        yield return "nobuffer";
        yield return "-i";
        yield return url;
    }

    private static (int Width, int Height) Probe(string url, TimeSpan timeout)
    {
        var start = new ProcessStartInfo("ffprobe") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in InputArguments(url, timeout).Where(a => a is not ("-fflags" or "nobuffer")))
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var argument in new[] { "-select_streams", "v:0", "-show_entries", "stream=width,height", "-of", "json" })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("ffprobe did not start");
        var output = new StringBuilder();
        var error = new StringBuilder();
        process.OutputDataReceived += (_, e) => output.AppendLine(e.Data);
        process.ErrorDataReceived += (_, e) => error.AppendLine(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(timeout + TimeSpan.FromSeconds(5)))
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"no answer within {timeout.TotalSeconds:F0} s");
        }

        // Without a timeout, WaitForExit also waits until both outputs have been read to their end.
        process.WaitForExit();
        using var json = JsonDocument.Parse(output.ToString().Trim() is { Length: > 0 } text ? text : "{}");
        if (json.RootElement.TryGetProperty("streams", out var streams) && streams.GetArrayLength() > 0
            && streams[0].TryGetProperty("width", out var w) && streams[0].TryGetProperty("height", out var h))
        {
            // A stream joined between key frames has a video stream but no size yet.
            return w.GetInt32() > 0 && h.GetInt32() > 0 ? (w.GetInt32(), h.GetInt32()) : throw new InvalidOperationException("no key frame within a second: the picture size is not known yet");
        }

        var reason = error.ToString().Trim().Split('\n')[^1];
        throw new InvalidOperationException(reason.Length > 0 ? reason : "no video in the stream");
    }
}
