namespace EdgeAgent.IntegrationTests.Servers;

using System.Diagnostics;

/// <summary>A real server program run by a test; stopping it is a real kill, as when a server goes down.</summary>
internal abstract class ServerProcess : IAsyncDisposable
{
    private Process? _process;

    protected abstract string Name { get; }

    protected abstract int Port { get; }

    /// <summary>Every port that must listen before the server counts as started.</summary>
    protected virtual IEnumerable<int> Ports => [Port];

    public bool IsRunning => _process is { HasExited: false };

    public virtual async Task StartAsync()
    {
        var start = StartInfo();
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        try
        {
            _process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"{Name} ({start.FileName}) cannot be started: {e.Message}. .ci/run installs it.", e);
        }

        _process.OutputDataReceived += (_, e) => Said(e.Data);
        _process.ErrorDataReceived += (_, e) => Said(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        foreach (var port in Ports)
        {
            await FreePort.WaitUntilListeningAsync(port, TimeSpan.FromSeconds(60), Name);
        }
    }

    public virtual async Task StopAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        _process?.Dispose();
        _process = null;
    }

    public virtual async ValueTask DisposeAsync() => await StopAsync();

    protected abstract ProcessStartInfo StartInfo();

    /// <summary>A line the server wrote (stdout or stderr); null at the end of a stream.</summary>
    protected virtual void Said(string? line)
    {
    }
}
