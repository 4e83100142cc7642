namespace EdgeAgent.Sync;

using Npgsql;

/// <summary>
/// How the agent reaches the central PostgreSQL database: Npgsql connection keywords or a
/// <c>postgresql://user@host:port/database?sslmode=…&amp;sslrootcert=…</c> address, with TLS
/// required (and the server's certificate checked, unless <c>sslmode=require</c> says only to encrypt)
/// unless plain connections are explicitly allowed.
/// </summary>
public static class CentralDatabase
{
    /// <summary>The connection string; the password, when given, replaces any in <paramref name="database"/>.</summary>
    /// <exception cref="ConfigurationException">The text is neither form, or asks for no TLS without leave.</exception>
    public static string ConnectionString(string database, string? password, bool allowUnencrypted)
    {
        if (string.IsNullOrWhiteSpace(database))
        {
            throw new ConfigurationException("no database given (Host=…;Database=…;Username=…, or postgresql://user@host/database)");
        }

        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = database.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase) || database.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase)
                ? FromAddress(database)
                : FromKeywords(database);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or UriFormatException or KeyNotFoundException)
        {
            throw new ConfigurationException($"'{Redacted(database)}' is not a PostgreSQL connection: {e.Message}", e);
        }

        if (string.IsNullOrEmpty(builder.Host))
        {
            throw new ConfigurationException($"'{Redacted(database)}' names no host");
        }

        if (builder.SslMode is SslMode.Disable or SslMode.Allow or SslMode.Prefer && !allowUnencrypted)
        {
            throw new ConfigurationException($"'{Redacted(database)}' does not require TLS (SSL Mode={builder.SslMode}); records would cross the link readable. " +
                "Use SSL Mode=VerifyFull (or Require), or set Sync:AllowUnencrypted to true for a database on this machine or inside a VPN");
        }

        if (!string.IsNullOrEmpty(password))
        {
            builder.Password = password;
        }

        builder.ApplicationName = "edge-agent";

        // A shipment's statements are the same every time: prepared once per connection, they then
        // travel as a name, not as a kilobyte of SQL each (the pool keeps the connection between shipments).
        builder.MaxAutoPrepare = 16;
        builder.AutoPrepareMinUsages = 2;
        return builder.ConnectionString;
    }

    /// <summary>A data source for the connection, as <see cref="ConnectionString"/> builds it.</summary>
    public static NpgsqlDataSource Open(string database, string? password, bool allowUnencrypted) =>
        NpgsqlDataSource.Create(ConnectionString(database, password, allowUnencrypted));

    /// <summary>The text with any password left out, for messages.</summary>
    public static string Redacted(string database) =>
        System.Text.RegularExpressions.Regex.Replace(
            System.Text.RegularExpressions.Regex.Replace(database, @"(?i)(password|pwd)\s*=[^;]*", "$1=…"), @"(?i)(postgres(?:ql)?://[^:/@]*):[^@]*@", "$1:…@");

    private static NpgsqlConnectionStringBuilder FromKeywords(string keywords)
    {
        var builder = new NpgsqlConnectionStringBuilder(keywords);

        // Npgsql's own default would fall back to a plain connection: without an SSL mode, verify the server.
        if (!keywords.Replace(" ", "", StringComparison.Ordinal).Contains("sslmode", StringComparison.OrdinalIgnoreCase))
        {
            builder.SslMode = SslMode.VerifyFull;
        }

        return builder;
    }

    private static NpgsqlConnectionStringBuilder FromAddress(string address)
    {
        var uri = new Uri(address);
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host,
            Port = uri.IsDefaultPort || uri.Port < 0 ? 5432 : uri.Port,
            Database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/')) is { Length: > 0 } name ? name : null,
            SslMode = SslMode.VerifyFull,
        };
        if (uri.UserInfo.Length > 0)
        {
            var parts = uri.UserInfo.Split(':', 2);
            builder.Username = Uri.UnescapeDataString(parts[0]);
            if (parts.Length == 2)
            {
                builder.Password = Uri.UnescapeDataString(parts[1]);
            }
        }

        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var kv = pair.Split('=', 2);
            var value = kv.Length == 2 ? Uri.UnescapeDataString(kv[1]) : "";
            switch (kv[0].ToLowerInvariant())
            {
                case "sslmode":
                    builder.SslMode = value.ToLowerInvariant() switch
                    {
                        "disable" => SslMode.Disable,
                        "allow" => SslMode.Allow,
                        "prefer" => SslMode.Prefer,
                        "require" => SslMode.Require,
                        "verify-ca" => SslMode.VerifyCA,
                        "verify-full" => SslMode.VerifyFull,
                        _ => throw new FormatException($"sslmode '{value}' is none of disable, allow, prefer, require, verify-ca, verify-full"),
                    };
                    break;
                case "sslrootcert":
                    builder.RootCertificate = value;
                    break;
                case "application_name":
                    break;
                default:
                    throw new FormatException($"parameter '{kv[0]}' is not understood here (sslmode and sslrootcert are)");
            }
        }

        // libpq's environment variable, so that a command line need not carry the password.
        if (builder.Password is null && Environment.GetEnvironmentVariable("PGPASSWORD") is { Length: > 0 } password)
        {
            builder.Password = password;
        }

        return builder;
    }
}
