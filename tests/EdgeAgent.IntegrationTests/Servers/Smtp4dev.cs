namespace EdgeAgent.IntegrationTests.Servers;

using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using EdgeAgent.Testing;
using MimeKit;

/// <summary>
/// smtp4dev, a real SMTP server with STARTTLS (self-signed certificate) and an HTTP API to read what
/// arrived, on free loopback ports in a temporary folder.
/// </summary>
internal sealed class Smtp4dev : ServerProcess
{
    private readonly TempFolder _data = new();
    private readonly int _webPort = FreePort.Next();
    private readonly HttpClient _http = new();

    public Smtp4dev(string? recipientValidation = null, string? messageValidation = null)
    {
        RecipientValidation = recipientValidation;
        MessageValidation = messageValidation;
        _http.BaseAddress = new Uri($"http://127.0.0.1:{_webPort}/");
    }

    public int SmtpPort { get; } = FreePort.Next();

    /// <summary>The server's self-signed certificate, written at its first start.</summary>
    public string Certificate => Path.Combine(_data.Path, "selfsigned-certificate.cer");

    public string? RecipientValidation { get; }

    public string? MessageValidation { get; }

    protected override string Name => "smtp4dev";

    protected override int Port => SmtpPort;

    protected override IEnumerable<int> Ports => [SmtpPort, _webPort];

    public static async Task<Smtp4dev> StartNewAsync(string? recipientValidation = null, string? messageValidation = null)
    {
        var server = new Smtp4dev(recipientValidation, messageValidation);
        await server.StartAsync();
        return server;
    }

    /// <summary>Every message that arrived, as MIME.</summary>
    public async Task<List<MimeMessage>> MessagesAsync()
    {
        var list = await _http.GetFromJsonAsync<JsonNode>("api/messages?pageSize=10000");
        var messages = new List<MimeMessage>();
        foreach (var item in list!["results"]!.AsArray())
        {
            await using var raw = await _http.GetStreamAsync($"api/messages/{(string)item!["id"]!}/raw");
            messages.Add(await MimeMessage.LoadAsync(raw));
        }

        return messages;
    }

    /// <summary>Waits until at least <paramref name="count"/> messages arrived.</summary>
    public async Task<List<MimeMessage>> WaitForMessagesAsync(int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var messages = await MessagesAsync();
            if (messages.Count >= count || DateTime.UtcNow > deadline)
            {
                return messages;
            }

            await Task.Delay(100);
        }
    }

    protected override ProcessStartInfo StartInfo()
    {
        var start = new ProcessStartInfo(Executable());

        // smtp4dev cannot turn IMAP and POP3 off: port 0 binds them to a port of the kernel's ephemeral
        // range, which FreePort never hands out, so they cannot take another server's port.
        foreach (var argument in new[]
        {
            $"--smtpport={SmtpPort}", $"--urls=http://127.0.0.1:{_webPort}", "--db=", "--tlsmode=StartTls", "--hostname=localhost",
            "--imapport=0", "--pop3port=0", "--nousersettings", $"--baseappdatapath={_data.Path}", "--bindaddress=127.0.0.1",
        })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["ServerOptions__DisableHtmlValidation"] = "true";
        if (RecipientValidation is not null)
        {
            start.Environment["ServerOptions__RecipientValidationExpression"] = RecipientValidation;
        }

        if (MessageValidation is not null)
        {
            start.Environment["ServerOptions__MessageValidationExpression"] = MessageValidation;
        }

        return start;
    }

    private static string Executable()
    {
        var tool = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".dotnet", "tools", "smtp4dev");
        return File.Exists(tool) ? tool : "smtp4dev";
    }

    public override string ToString() => $"smtp4dev on {SmtpPort}";

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        _http.Dispose();
        _data.Dispose();
    }
}
