namespace EdgeAgent.Reporting;

using ScottPlot;

/// <summary>The report's charts, drawn by ScottPlot as SVG to be put in the page itself (it must open offline).</summary>
public static class ReportCharts
{
    /// <summary>Sightings per day of the most seen labels, a line each.</summary>
    public static string PerDay(BiodiversityReport report, IReadOnlyList<string> labels)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(labels);
        var days = Enumerable.Range(0, report.To.DayNumber - report.From.DayNumber + 1).Select(report.From.AddDays).ToArray();
        var plot = new Plot();
        Style(plot);
        var x = days.Select(d => d.ToDateTime(TimeOnly.MinValue).ToOADate()).ToArray();
        foreach (var label in labels)
        {
            var y = days.Select(d => (double)report.PerDay.GetValueOrDefault((d, label))).ToArray();
            var line = plot.Add.Scatter(x, y);
            line.LegendText = label;
            line.MarkerSize = days.Length > 60 ? 0 : 4;
        }

        plot.Axes.DateTimeTicksBottom();
        plot.Axes.Left.Label.Text = "sightings per day";
        plot.Axes.Margins(bottom: 0);
        plot.ShowLegend(Edge.Right);
        return Svg(plot, 1000, 360, "sightings per day");
    }

    /// <summary>A label's sightings by hour of the day: a 24-bar histogram.</summary>
    public static string Diel(string label, int[] hours)
    {
        ArgumentNullException.ThrowIfNull(hours);
        var plot = new Plot();
        Style(plot);
        var bars = plot.Add.Bars(hours.Select(h => (double)h).ToArray());
        bars.Color = Color.FromHex("#3a6ea5");
        foreach (var bar in bars.Bars)
        {
            bar.LineWidth = 0;
        }

        plot.Title(label, size: 14);
        plot.Axes.Bottom.Label.Text = "hour of the day";
        plot.Axes.Bottom.SetTicks([0, 3, 6, 9, 12, 15, 18, 21], ["0", "3", "6", "9", "12", "15", "18", "21"]);
        plot.Axes.SetLimitsX(-0.6, 23.6);
        plot.Axes.Margins(bottom: 0);
        return Svg(plot, 340, 220, $"diel activity of {label}");
    }

    private static void Style(Plot plot)
    {
        plot.Font.Set("DejaVu Sans");
        plot.Grid.MajorLineColor = Color.FromHex("#e6e6e6");
    }

    /// <summary>The chart as SVG markup for an HTML page: without the XML declaration, labelled for screen readers.</summary>
    private static string Svg(Plot plot, int width, int height, string title)
    {
        var svg = plot.GetSvgXml(width, height);
        var start = svg.IndexOf("<svg", StringComparison.Ordinal);
        return $"<figure class=\"chart\" aria-label=\"{Station.StationPage.H(title)}\">{svg[start..]}</figure>";
    }
}
