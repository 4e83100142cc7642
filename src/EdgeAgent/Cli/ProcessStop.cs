namespace EdgeAgent.Cli;

using System.Runtime.InteropServices;

/// <summary>
/// SIGTERM and Ctrl-C from the first line of managed code: they cancel <see cref="Token"/>, which every
/// verb (and the daemon's host) watches, instead of ending the process by the signal while the model
/// loads or the host starts, before anything else has set up its handling. The verb then stops as
/// it would at any other moment: work saved, files whole.
/// </summary>
internal sealed class ProcessStop : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly PosixSignalRegistration[] _signals;

    public ProcessStop() =>
        _signals = [PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handle), PosixSignalRegistration.Create(PosixSignal.SIGINT, Handle)];

    /// <summary>Cancelled when the process is asked to stop.</summary>
    public CancellationToken Token => _stop.Token;

    public void Dispose()
    {
        foreach (var signal in _signals)
        {
            signal.Dispose();
        }

        _stop.Dispose();
    }

    private void Handle(PosixSignalContext context)
    {
        context.Cancel = true;
        _stop.Cancel();
    }
}
