namespace EdgeAgent.IntegrationTests.Servers;

using System.Diagnostics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Npgsql;

/// <summary>
/// Debian's PostgreSQL (with PostGIS) in a fresh cluster of its own, on a free port of localhost,
/// with TLS (a self-signed certificate for localhost, which clients verify) and password logins.
/// Stopping it is a real kill; starting it again finds its data as it was.
/// </summary>
internal sealed class Postgres : ServerProcess
{
    public const string User = "central";

    private static readonly string Binaries = Directory.Exists("/usr/lib/postgresql")
        ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(Directory.Exists).Order().LastOrDefault() ?? "/usr/lib/postgresql/15/bin"
        : "/usr/lib/postgresql/15/bin";

    // PostgreSQL refuses to run as root: tests run as root (CI) start it as the postgres user.
    private static readonly bool AsRoot = Environment.UserName == "root";

    private TaskCompletionSource? _ready;

    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"edge-agent-pg-{Guid.NewGuid():N}");

    public int ServerPort { get; } = FreePort.Next();

    public string Password { get; } = Convert.ToHexString(RandomNumberGenerator.GetBytes(12));

    /// <summary>The server's certificate, which clients trust as their root.</summary>
    public string Certificate => Path.Combine(_folder, "server.crt");

    /// <summary>The database as the command line names it for the superuser (the password apart).</summary>
    public string Address => AddressOf(User);

    /// <summary>The superuser's login.</summary>
    public Login Superuser => new(User, Password);

    /// <summary>The database as a login's user names it.</summary>
    public string AddressOf(string user) => $"postgresql://{user}@localhost:{ServerPort}/postgres?sslmode=verify-full&sslrootcert={Uri.EscapeDataString(Certificate)}";

    /// <summary>A new login that is a member of <paramref name="role"/> (the schema's edge_agent_writer or edge_analyst), as an administrator makes one.</summary>
    public async Task<Login> CreateLoginAsync(string user, string role)
    {
        var password = Convert.ToHexString(RandomNumberGenerator.GetBytes(12));
        await using var source = Open();
        await using var create = source.CreateCommand($"CREATE ROLE {user} LOGIN PASSWORD '{password}' IN ROLE {role}");
        await create.ExecuteNonQueryAsync();
        return new Login(user, password);
    }

    protected override string Name => "postgresql";

    protected override int Port => ServerPort;

    private string Data => Path.Combine(_folder, "data");

    public static async Task<Postgres> StartNewAsync()
    {
        var server = new Postgres();
        await server.CreateClusterAsync();
        await server.StartAsync();
        return server;
    }

    /// <summary>A connection as the superuser, for the test's own look at what arrived.</summary>
    public NpgsqlDataSource Open() =>
        NpgsqlDataSource.Create($"Host=localhost;Port={ServerPort};Username={User};Password={Password};Database=postgres;SSL Mode=VerifyFull;Root Certificate={Certificate}");

    public async Task<long> CountAsync(string sql)
    {
        await using var source = Open();
        await using var command = source.CreateCommand(sql);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Starts the server and waits until it says it accepts connections (after a crash it listens while it recovers).</summary>
    public override async Task StartAsync()
    {
        _ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await base.StartAsync();
        await _ready.Task.WaitAsync(TimeSpan.FromSeconds(60));
    }

    /// <summary>
    /// Stops the server as a crash would (immediate shutdown: no checkpoint, recovery at the next
    /// start), through pg_ctl, so that no backend outlives the postmaster and blocks the restart.
    /// </summary>
    public override async Task StopAsync()
    {
        if (IsRunning)
        {
            await RunAsync(Command("pg_ctl", "stop", "-D", Data, "-m", "immediate", "-w"));
        }

        await base.StopAsync();
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    protected override void Said(string? line)
    {
        if (line?.Contains("database system is ready to accept connections", StringComparison.Ordinal) == true)
        {
            _ready?.TrySetResult();
        }
    }

    protected override ProcessStartInfo StartInfo()
    {
        var start = Command("postgres", "-D", Data, "-p", ServerPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-c", "listen_addresses=localhost", "-c", $"unix_socket_directories={_folder}", "-c", "ssl=on",
            "-c", $"ssl_cert_file={Certificate}", "-c", $"ssl_key_file={Path.Combine(_folder, "server.key")}");
        return start;
    }

    private async Task CreateClusterAsync()
    {
        Directory.CreateDirectory(_folder);
        var passwordFile = Path.Combine(_folder, "password");
        await File.WriteAllTextAsync(passwordFile, Password);
        using (var key = RSA.Create(2048))
        {
            var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            var names = new SubjectAlternativeNameBuilder();
            names.AddDnsName("localhost");
            names.AddIpAddress(System.Net.IPAddress.Loopback);
            request.CertificateExtensions.Add(names.Build());
            using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(7));
            await File.WriteAllTextAsync(Certificate, certificate.ExportCertificatePem());
            await File.WriteAllTextAsync(Path.Combine(_folder, "server.key"), key.ExportPkcs8PrivateKeyPem());
        }

        if (!OperatingSystem.IsWindows())
        {
            // PostgreSQL refuses a key others can read.
            File.SetUnixFileMode(Path.Combine(_folder, "server.key"), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        if (AsRoot)
        {
            await RunAsync(new ProcessStartInfo("chown", ["-R", "postgres:postgres", _folder]));
        }

        await RunAsync(Command("initdb", "-D", Data, "-U", User, $"--pwfile={passwordFile}", "--auth=scram-sha-256", "-E", "UTF8", "--no-sync"));
    }

    private static ProcessStartInfo Command(string program, params string[] arguments)
    {
        var executable = Path.Combine(Binaries, program);
        var start = AsRoot ? new ProcessStartInfo("runuser", ["-u", "postgres", "--", executable, .. arguments]) : new ProcessStartInfo(executable, arguments);
        return start;
    }

    private static async Task RunAsync(ProcessStartInfo start)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{start.FileName} did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{start.FileName} {string.Join(' ', start.ArgumentList)} failed ({process.ExitCode}): {error} {await output} (.ci/run installs PostgreSQL and PostGIS)");
        }
    }
}

/// <summary>A PostgreSQL login: user and password.</summary>
internal sealed record Login(string User, string Password);
