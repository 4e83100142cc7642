namespace EdgeAgent.IntegrationTests.Servers;

using System.Diagnostics;
using EdgeAgent.Testing;

/// <summary>A real RTSP server (GStreamer's gst-rtsp-server, tests/tools/rtsp-server.py) streaming a picture as live H.264.</summary>
internal sealed class RtspServer(string picture) : ServerProcess
{
    public int RtspPort { get; } = FreePort.Next();

    public string Url => $"rtsp://127.0.0.1:{RtspPort}/camera";

    protected override string Name => "GStreamer RTSP server";

    protected override int Port => RtspPort;

    public static async Task<RtspServer> StartNewAsync(string picture)
    {
        var server = new RtspServer(picture);
        await server.StartAsync();
        return server;
    }

    protected override ProcessStartInfo StartInfo()
    {
        // Debian's own python3 has the GStreamer bindings; another python3 earlier on the PATH may not.
        var start = new ProcessStartInfo("/usr/bin/python3");
        start.ArgumentList.Add(Path.Combine(TestPaths.RepositoryRoot, "tests", "tools", "rtsp-server.py"));
        start.ArgumentList.Add(RtspPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
        start.ArgumentList.Add(picture);
        return start;
    }
}

/// <summary>ffmpeg sending a picture as a live H.264 MPEG-TS stream over UDP, as many drones and encoders do.</summary>
internal sealed class UdpStream(string picture) : IAsyncDisposable
{
    private Process? _process;

    public int UdpPort { get; } = FreePort.Next();

    public string Url => $"udp://127.0.0.1:{UdpPort}";

    public void Start()
    {
        var start = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in new[]
        {
            "-hide_banner", "-loglevel", "error", "-re", "-loop", "1", "-i", picture, "-vf", "scale=640:480", "-r", "15",
            "-c:v", "libx264", "-tune", "zerolatency", "-preset", "ultrafast", "-g", "15", "-f", "mpegts", Url,
        })
        {
            start.ArgumentList.Add(argument);
        }

        _process = Process.Start(start)!;
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process?.Dispose();
        _process = null;
    }
}
