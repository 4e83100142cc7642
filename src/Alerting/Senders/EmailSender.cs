namespace EdgeAgent.Alerting.Senders;

using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using EdgeAgent.Alerting.Outbox;
using EdgeAgent.Alerting.Rules;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;

/// <summary>
/// Sends alerts with MailKit over one connection kept open between alerts (a new TLS handshake per
/// alert costs hundreds of milliseconds on a satellite link); any error drops the connection so the
/// next attempt starts clean.
/// </summary>
public sealed class EmailSender : IAlertSender, IAsyncDisposable
{
    private readonly EmailOptions _options;
    private readonly string _deviceId;
    private readonly IPictureFitter _pictures;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly X509Certificate2? _trusted;
    private SmtpClient? _client;

    /// <summary>Creates the sender; the connection opens with the first alert.</summary>
    public EmailSender(IOptions<EmailOptions> options, IOptions<AlertingOptions> alerting, IPictureFitter pictures)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(alerting);
        _options = options.Value;
        _deviceId = alerting.Value.DeviceId;
        _pictures = pictures;
        if (_options.TrustedCertificate.Length > 0)
        {
            try
            {
                _trusted = X509CertificateLoader.LoadCertificateFromFile(_options.TrustedCertificate);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
            {
                throw new ConfigurationException($"Email:TrustedCertificate {_options.TrustedCertificate}: cannot be read as a certificate: {e.Message}", e);
            }
        }
    }

    /// <inheritdoc />
    public string Channel => "email";

    /// <inheritdoc />
    public async Task<string> SendAsync(Alert alert, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(alert);
        var picture = alert.Observation.Picture is { } jpeg ? _pictures.Fit(jpeg, _options.PictureMaxBytes) : null;
        using var message = AlertEmail.Compose(alert, _options, _deviceId, picture);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var reused = _client is { IsConnected: true };
            var client = await ConnectAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                return await client.SendAsync(message, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (reused && e is IOException or SmtpProtocolException or MailKit.ServiceNotConnectedException)
            {
                // Servers close idle connections; the first alert after a quiet spell must not wait for a retry.
                await DropAsync().ConfigureAwait(false);
                client = await ConnectAsync(cancellationToken).ConfigureAwait(false);
                return await client.SendAsync(message, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            await DropAsync().ConfigureAwait(false);
            throw new IOException(Describe(e), e);
        }
        catch
        {
            await DropAsync().ConfigureAwait(false);
            throw;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await DropAsync(quit: true).ConfigureAwait(false);
        _gate.Dispose();
        _trusted?.Dispose();
    }

    private async Task<SmtpClient> ConnectAsync(CancellationToken cancellationToken)
    {
        if (_client is { IsConnected: true })
        {
            return _client;
        }

        await DropAsync().ConfigureAwait(false);
        var client = new SmtpClient { Timeout = (int)_options.Timeout.TotalMilliseconds };
        if (_trusted is not null)
        {
            client.ServerCertificateValidationCallback = ValidateWithPin;
            client.CheckCertificateRevocation = false;
        }

        _client = client;
        var security = _options.Security switch
        {
            EmailSecurity.Tls => SecureSocketOptions.SslOnConnect,
            EmailSecurity.None => SecureSocketOptions.None,
            _ => SecureSocketOptions.StartTls,
        };
        await client.ConnectAsync(_options.Host, _options.Port, security, cancellationToken).ConfigureAwait(false);
        if (_options.Username.Length > 0)
        {
            await client.AuthenticateAsync(_options.Username, _options.Password, cancellationToken).ConfigureAwait(false);
        }

        return client;
    }

    private bool ValidateWithPin(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors) =>
        errors == SslPolicyErrors.None
        || (certificate is not null && _trusted is not null
            && string.Equals(certificate.GetCertHashString(), _trusted.Thumbprint, StringComparison.OrdinalIgnoreCase));

    private async Task DropAsync(bool quit = false)
    {
        if (_client is null)
        {
            return;
        }

        try
        {
            if (quit && _client.IsConnected)
            {
                await _client.DisconnectAsync(quit: true).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is IOException or SmtpProtocolException or OperationCanceledException)
        {
            // The connection is going away anyway.
        }
        finally
        {
            _client.Dispose();
            _client = null;
        }
    }

    private string Describe(Exception e) => e switch
    {
        SmtpCommandException c => $"mail server {_options.Host}:{_options.Port} answered {(int)c.StatusCode} {c.Message}",
        SslHandshakeException => $"mail server {_options.Host}:{_options.Port}: TLS failed: {e.Message.Split('\n')[0]}",
        _ => $"mail server {_options.Host}:{_options.Port}: {e.Message}",
    };
}
