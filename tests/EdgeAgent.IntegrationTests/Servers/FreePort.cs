namespace EdgeAgent.IntegrationTests.Servers;

using System.Net;
using System.Net.Sockets;

/// <summary>
/// Ports for the test servers, handed out below the kernel's ephemeral range: a port the system hands
/// out itself (an outgoing connection's, or a server's asked to bind port 0) can then never be one
/// given here, between the moment it is checked free and the moment its server binds it. Each port
/// is handed out once per test run, from a place that depends on the process, so that test runs
/// side by side rarely meet.
/// </summary>
internal static class FreePort
{
    private static readonly (int First, int Last) Range = BelowEphemeral();
    private static int _next = Range.First + (Environment.ProcessId * 37 % (Range.Last - Range.First));

    /// <summary>A loopback port that nobody holds (TCP and UDP) and that this run has not handed out before.</summary>
    public static int Next()
    {
        for (var tries = 0; tries < Range.Last - Range.First; tries++)
        {
            var port = Range.First + ((Interlocked.Increment(ref _next) - Range.First) % (Range.Last - Range.First));
            if (Free(port))
            {
                return port;
            }
        }

        throw new InvalidOperationException($"no free port in {Range.First}–{Range.Last}");
    }

    private static bool Free(int port)
    {
        try
        {
            using var tcp = new TcpListener(IPAddress.Loopback, port);
            tcp.Start();
            using var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>The ports under the kernel's ephemeral range (Linux: ip_local_port_range), above the well-known ones.</summary>
    private static (int First, int Last) BelowEphemeral()
    {
        var ephemeral = File.Exists("/proc/sys/net/ipv4/ip_local_port_range")
            ? int.Parse(File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries)[0], System.Globalization.CultureInfo.InvariantCulture)
            : 32768;
        return (Math.Min(10_000, ephemeral / 2), ephemeral - 1);
    }

    /// <summary>Waits until something accepts connections on the port.</summary>
    public static async Task WaitUntilListeningAsync(int port, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }

        throw new TimeoutException($"{what} did not listen on port {port} within {timeout}");
    }
}
