namespace EdgeAgent.Tests;

using System.Text;
using EdgeAgent.Hosting;
using EdgeAgent.Station;

public sealed class WebListenerOptionsTests
{
    [Theory]
    [InlineData("Station", "127.0.0.1:9465", "", false, 0)]
    [InlineData("Station", "[::1]:9465", "", false, 0)]
    [InlineData("Station", "0.0.0.0:9465", "", true, 1)]
    [InlineData("Station", "0.0.0.0:9465", "too short", true, 1)]
    [InlineData("Station", "192.168.1.20:9465", "a long enough password", true, 0)]
    [InlineData("Station", "station:9465", "a long enough password", true, 1)]
    [InlineData("Metrics", "127.0.0.1:9464", "", false, 0)]
    [InlineData("Metrics", "0.0.0.0:9464", "", true, 1)]
    [InlineData("Metrics", "0.0.0.0:9464", "a long enough password", true, 0)]
    [InlineData("Metrics", "127.0.0.1:0", "", false, 1)]
    public void Beyond_loopback_the_page_and_the_metrics_need_a_password_of_twelve_characters(string section, string listen, string password, bool loginRequired, int problems)
    {
        (WebListenerOptions options, var found) = section == "Station"
            ? Checked(new StationOptions { Listen = listen, Password = password })
            : Checked(new MetricsOptions { Listen = listen, Password = password });

        Assert.Equal(loginRequired, options.LoginRequired);
        Assert.Equal(problems, found.Count);
        Assert.All(found, p => Assert.StartsWith(section + ":", p, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("00:00:30", 1)]
    [InlineData("00:01:00", 0)]
    [InlineData("08:00:00", 0)]
    [InlineData("7.00:00:00", 0)]
    [InlineData("7.00:00:01", 1)]
    public void A_station_login_lasts_from_a_minute_to_a_week(string lifetime, int problems)
    {
        var (_, found) = Checked(new StationOptions { SessionLifetime = TimeSpan.Parse(lifetime, System.Globalization.CultureInfo.InvariantCulture) });

        Assert.Equal(problems, found.Count);
        Assert.All(found, p => Assert.StartsWith("Station:SessionLifetime: ", p, StringComparison.Ordinal));
    }

    [Fact]
    public void A_password_matches_only_itself_and_an_empty_one_matches_nothing()
    {
        var options = new MetricsOptions { Password = "a long enough password" };

        Assert.True(options.PasswordMatches("a long enough password"));
        Assert.False(options.PasswordMatches("a long enough passwore"));
        Assert.False(options.PasswordMatches(""));
        Assert.False(new MetricsOptions().PasswordMatches(""));
    }

    [Theory]
    [InlineData("prometheus:secret: with colons", "secret: with colons")]
    [InlineData(":only a password", "only a password")]
    [InlineData("no colon at all", null)]
    public void The_metrics_read_the_password_of_a_basic_login(string pair, string? password)
    {
        Assert.Equal(password, MetricsEndpoint.BasicPassword("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(pair))));
        Assert.Equal(password, MetricsEndpoint.BasicPassword("basic  " + Convert.ToBase64String(Encoding.UTF8.GetBytes(pair)) + " "));
    }

    [Theory]
    [InlineData("")]
    [InlineData("Bearer c2VjcmV0")]
    [InlineData("Basic not base64!")]
    public void Anything_but_a_basic_login_gives_no_password(string authorization) =>
        Assert.Null(MetricsEndpoint.BasicPassword(authorization));

    private static (WebListenerOptions Options, List<string> Problems) Checked<T>(T options)
        where T : WebListenerOptions, Common.ISelfValidating => (options, options.Problems().ToList());
}
