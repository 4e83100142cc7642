namespace EdgeAgent.Tests;

using EdgeAgent.Station;

public sealed class StationOptionsTests
{
    [Theory]
    [InlineData("127.0.0.1:9465", "", false, 0)]
    [InlineData("[::1]:9465", "", false, 0)]
    [InlineData("0.0.0.0:9465", "", true, 1)]
    [InlineData("0.0.0.0:9465", "too short", true, 1)]
    [InlineData("192.168.1.20:9465", "a long enough password", true, 0)]
    [InlineData("station:9465", "a long enough password", true, 1)]
    public void Beyond_loopback_the_page_needs_a_password_of_twelve_characters(string listen, string password, bool loginRequired, int problems)
    {
        var options = new StationOptions { Listen = listen, Password = password };

        Assert.Equal(loginRequired, options.LoginRequired);
        var found = options.Problems().ToList();
        Assert.Equal(problems, found.Count);
        Assert.All(found, p => Assert.StartsWith("Station:", p, StringComparison.Ordinal));
    }
}
