namespace EdgeAgent.Station;

using EdgeAgent.Hosting;

/// <summary>
/// Configuration section <c>Station</c>: the page the station's ranger and technician open in a
/// browser, on loopback by default (reach it through an SSH tunnel); beyond it, a login page asks
/// for <see cref="WebListenerOptions.Password"/>.
/// </summary>
public sealed class StationOptions() : WebListenerOptions(SectionName, "the page", 9465), IOptionsSection
{
    /// <summary>The section's name.</summary>
    public static string SectionName => "Station";

    /// <summary>Alerts the page lists.</summary>
    public int Alerts { get; set; } = 50;

    /// <summary>A login lasts this long without use: from a minute to a week, so that a forgotten browser does not keep the page open for good.</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(8);

    /// <inheritdoc />
    protected override IEnumerable<string> SettingProblems()
    {
        if (Alerts is < 1 or > 1000)
        {
            yield return $"Station:Alerts: {Alerts} must lie between 1 and 1000";
        }

        if (SessionLifetime < TimeSpan.FromMinutes(1) || SessionLifetime > TimeSpan.FromDays(7))
        {
            yield return $"Station:SessionLifetime: {SessionLifetime} must lie between a minute and 7 days";
        }
    }
}
