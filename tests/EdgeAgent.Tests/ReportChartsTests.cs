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

    [GeneratedRegex("<text[^>]*>([^<]*)</text>")]
    private static partial Regex SvgText();
}
