namespace EdgeAgent.Tests;

using System.Text.RegularExpressions;
using EdgeAgent.Reporting;

public sealed partial class ReportChartsTests
{
    [Fact]
    public void A_diel_chart_counts_in_whole_animals_and_names_its_axes()
    {
        var hours = new int[24];
        (hours[5], hours[6], hours[18]) = (1, 2, 1);

        var svg = ReportCharts.Diel("zebra (Equus quagga)", hours);

        var labels = SvgText().Matches(svg).Select(m => System.Net.WebUtility.HtmlDecode(m.Groups[1].Value).Trim()).ToList();
        Assert.Contains("sightings", labels);
        Assert.Contains("hour of the day", labels);
        Assert.Contains("2", labels);
        Assert.DoesNotContain(labels, l => Regex.IsMatch(l, @"^\d+[.,]\d+$"));
    }

    [Theory]
    [InlineData(7, new[] { "0", "2", "4", "6" })]
    [InlineData(130, new[] { "0", "50", "100" })]
    [InlineData(520, new[] { "0", "200", "400" })]
    public void Count_axes_step_by_one_two_or_five_times_a_power_of_ten(int most, string[] expected)
    {
        var hours = new int[24];
        hours[12] = most;

        var labels = SvgText().Matches(ReportCharts.Diel("zebra", hours)).Select(m => m.Groups[1].Value.Trim()).ToHashSet();

        Assert.All(expected, tick => Assert.Contains(tick, labels));
        string[] hourTicks = ["0", "3", "6", "9", "12", "15", "18", "21"];
        Assert.All(labels.Where(l => Regex.IsMatch(l, @"^\d+$")), l => Assert.Contains(l, expected.Concat(hourTicks)));
    }

    [GeneratedRegex("<text[^>]*>([^<]*)</text>")]
    private static partial Regex SvgText();
}
