namespace EdgeAgent.Reporting;

using ScottPlot;

/// <summary>The report's charts, drawn by ScottPlot as SVG to be put in the page itself (it must open offline).</summary>
public static class ReportCharts
{
    /// <summary>
    /// Sightings over the period of the most seen labels, one small chart each on the same scale (lines
    /// of several labels in one chart hide each other where they run on the same values): per day for
    /// up to four months, per week for up to three years, per month beyond (a line of thousands of days
    /// shows nothing).
    /// </summary>
    public static string OverTime(BiodiversityReport report, IReadOnlyList<string> labels)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(labels);
        var days = report.To.DayNumber - report.From.DayNumber + 1;
        var (unit, bin) = days switch
        {
            <= 120 => ("day", (Func<DateOnly, DateOnly>)(d => d)),
            <= 3 * 366 => ("week", d => d.AddDays(-(((int)d.DayOfWeek + 6) % 7))),
            _ => ("month", d => new DateOnly(d.Year, d.Month, 1)),
        };
        var bins = Enumerable.Range(0, days).Select(i => bin(report.From.AddDays(i))).Distinct().ToArray();
        var counts = report.PerDay.GroupBy(c => (Bin: bin(c.Key.Day), c.Key.Name)).ToDictionary(g => g.Key, g => g.Sum(c => c.Value));
        var x = bins.Select(b => b.ToDateTime(TimeOnly.MinValue).ToOADate()).ToArray();
        var series = labels.Select(label => (Label: label, Y: bins.Select(b => (double)counts.GetValueOrDefault((b, label))).ToArray())).ToList();
        var most = (int)series.SelectMany(s => s.Y).DefaultIfEmpty(0).Max();
        var charts = series.Select(s =>
        {
            var plot = new Plot();
            Style(plot);
            var line = plot.Add.Scatter(x, s.Y);
            line.Color = Color.FromHex("#3a6ea5");
            line.MarkerSize = bins.Length > 60 ? 0 : 4;
            plot.Title(s.Label, size: 14);
            plot.Axes.DateTimeTicksBottom();
            CountTicks(plot, most);
            plot.Axes.SetLimitsY(0, Math.Max(1, most) * 1.05);
            plot.Axes.Left.Label.Text = $"sightings per {unit}";
            plot.Axes.Left.Label.FontSize = 13;
            return Svg(plot, 340, 220, $"{s.Label}: sightings per {unit}");
        });
        return $"<div class=\"charts\">{string.Concat(charts)}</div>";
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
        CountTicks(plot, hours.DefaultIfEmpty(0).Max());
        plot.Axes.Left.Label.Text = "sightings";
        plot.Axes.Bottom.Label.Text = "hour of the day";
        plot.Axes.Bottom.SetTicks([0, 3, 6, 9, 12, 15, 18, 21], ["0", "3", "6", "9", "12", "15", "18", "21"]);
        plot.Axes.SetLimitsX(-0.6, 23.6);
        plot.Axes.Margins(bottom: 0);
        return Svg(plot, 340, 220, $"diel activity of {label}");
    }

    /// <summary>Whole numbers on a count axis, in steps of 1, 2 or 5 times a power of ten: no 0.5 of an animal, no 104.</summary>
    private static void CountTicks(Plot plot, int most)
    {
        var step = Enumerable.Range(0, 9).SelectMany(power => new[] { 1, 2, 5 }.Select(f => f * (int)Math.Pow(10, power))).First(s => s * 5L >= most);
        var ticks = Enumerable.Range(0, (most / step) + 2).Select(i => i * step).ToArray();
        plot.Axes.Left.SetTicks(ticks.Select(t => (double)t).ToArray(), ticks.Select(t => t.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray());
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
        return $"<figure class=\"chart\" aria-label=\"{System.Net.WebUtility.HtmlEncode(title)}\">{svg[start..]}</figure>";
    }
}
