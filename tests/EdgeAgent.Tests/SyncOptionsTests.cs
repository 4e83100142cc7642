namespace EdgeAgent.Tests;

using EdgeAgent.Common;
using EdgeAgent.Sync;
using Npgsql;

/// <summary>The central database's address: both forms, TLS required unless allowed, passwords never shown.</summary>
public sealed class SyncOptionsTests
{
    [Fact]
    public void An_address_becomes_a_connection_that_verifies_the_server()
    {
        var text = CentralDatabase.ConnectionString("postgresql://agent%40north@hq.example.org:6543/wildlife?sslrootcert=%2Fetc%2Fca.pem", "s3cret", allowUnencrypted: false);
        var built = new NpgsqlConnectionStringBuilder(text);
        Assert.Equal(("hq.example.org", 6543, "wildlife", "agent@north", "s3cret"), (built.Host, built.Port, built.Database, built.Username, built.Password));
        Assert.Equal(SslMode.VerifyFull, built.SslMode);
        Assert.Equal("/etc/ca.pem", built.RootCertificate);
    }

    [Fact]
    public void Keywords_without_an_ssl_mode_verify_the_server_and_those_with_one_keep_it()
    {
        Assert.Equal(SslMode.VerifyFull, new NpgsqlConnectionStringBuilder(CentralDatabase.ConnectionString("Host=hq;Database=w", null, false)).SslMode);
        Assert.Equal(SslMode.Require, new NpgsqlConnectionStringBuilder(CentralDatabase.ConnectionString("Host=hq;SSL Mode=Require", null, false)).SslMode);
    }

    [Theory]
    [InlineData("postgresql://a@hq/w?sslmode=disable")]
    [InlineData("postgresql://a@hq/w?sslmode=prefer")]
    [InlineData("Host=hq;SSL Mode=Disable")]
    public void A_connection_without_tls_is_refused_unless_allowed(string database)
    {
        var e = Assert.Throws<ConfigurationException>(() => CentralDatabase.ConnectionString(database, null, allowUnencrypted: false));
        Assert.Contains("does not require TLS", e.Message, StringComparison.Ordinal);
        Assert.NotNull(CentralDatabase.ConnectionString(database, null, allowUnencrypted: true));
    }

    [Theory]
    [InlineData("", "no database given")]
    [InlineData("postgresql:///w", "names no host")]
    [InlineData("postgresql://a@hq/w?timeout=3", "parameter 'timeout' is not understood")]
    [InlineData("postgresql://a@hq/w?sslmode=strict", "sslmode 'strict'")]
    [InlineData("Hots=hq", "is not a PostgreSQL connection")]
    public void A_malformed_database_is_named_with_what_is_wrong(string database, string expected)
    {
        var e = Assert.Throws<ConfigurationException>(() => CentralDatabase.ConnectionString(database, null, false));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Messages_never_carry_the_password()
    {
        Assert.Equal("postgresql://a:…@hq/w", CentralDatabase.Redacted("postgresql://a:hunter2@hq/w"));
        Assert.Equal("Host=hq;Password=…;Database=w", CentralDatabase.Redacted("Host=hq;Password=hunter2;Database=w"));
        var e = Assert.Throws<ConfigurationException>(() => CentralDatabase.ConnectionString("postgresql://a:hunter2@hq/w?sslmode=disable", null, false));
        Assert.DoesNotContain("hunter2", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_list_every_problem_only_when_sync_is_on()
    {
        var options = new SyncOptions { Database = "postgresql://a@hq/w?sslmode=disable", Agent = "a/b", BatchSize = 0, ThumbnailWidth = 8 };
        Assert.Empty(options.Problems());
        options.Enabled = true;
        var problems = options.Problems().ToList();
        Assert.Contains(problems, p => p.StartsWith("Sync:Database:", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Sync:Agent:", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Sync:BatchSize:", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Sync:ThumbnailWidth:", StringComparison.Ordinal));
    }
}
