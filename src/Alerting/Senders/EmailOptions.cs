namespace EdgeAgent.Alerting.Senders;


/// <summary>How the connection to the mail server is protected.</summary>
public enum EmailSecurity
{
    /// <summary>Plain connection upgraded with STARTTLS, which the server must offer (port 587). The default.</summary>
    StartTls,

    /// <summary>TLS from the first byte (port 465).</summary>
    Tls,

    /// <summary>No encryption: only for a relay on the same machine, and only when set explicitly.</summary>
    None,
}

/// <summary>Configuration section <c>Email</c>. E-mail is on when <see cref="ServerOptions.Host"/> is set; the port is the submission port, 587, by default.</summary>
public sealed class EmailOptions() : ServerOptions(SectionName, 587), IOptionsSection
{
    /// <summary>The section's name.</summary>
    public static string SectionName => "Email";

    /// <summary>Transport security; TLS is required unless this says None.</summary>
    public EmailSecurity Security { get; set; } = EmailSecurity.StartTls;

    /// <summary>
    /// A certificate file (PEM or DER) to trust for this server in addition to the system's
    /// authorities: for a station relay with a self-signed certificate. Pinning it beats turning checks off.
    /// </summary>
    public string TrustedCertificate { get; set; } = "";

    /// <summary>Sender address.</summary>
    public string From { get; set; } = "";

    /// <summary>Recipients of alerts whose rule names none.</summary>
    public List<string> To { get; set; } = [];

    /// <summary>The attached picture is re-encoded until it is no larger than this: uplinks are cellular or satellite.</summary>
    public int PictureMaxBytes { get; set; } = 150 * 1024;

    /// <summary>Time allowed for one connection or send.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <inheritdoc />
    protected override IEnumerable<string> SettingProblems()
    {
        if (!MimeKit.MailboxAddress.TryParse(From, out _))
        {
            yield return $"Email:From: '{From}' is not an e-mail address";
        }

        foreach (var to in To.Where(t => !MimeKit.MailboxAddress.TryParse(t, out _)))
        {
            yield return $"Email:To: '{to}' is not an e-mail address";
        }

        if (PictureMaxBytes < 10_000)
        {
            yield return $"Email:PictureMaxBytes: {PictureMaxBytes} is too small for a picture (at least 10000)";
        }

        if (Timeout <= TimeSpan.Zero)
        {
            yield return $"Email:Timeout: {Timeout} must be positive (every send would fail)";
        }

        if (TrustedCertificate.Length > 0 && !File.Exists(TrustedCertificate))
        {
            yield return $"Email:TrustedCertificate: '{TrustedCertificate}' does not exist";
        }
    }
}
