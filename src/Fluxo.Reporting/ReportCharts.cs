using System.Globalization;
using Fluxo.Reporting.Graphs;
using ScottPlot;

namespace Fluxo.Reporting;

/// <summary>The report's charts, drawn by ScottPlot from a <see cref="ServiceReport"/> alone, as SVG text.</summary>
public static class ReportCharts
{
    private const int Width = 820;
    private const int Height = 460;

    /// <summary>The whole policy (caches, pre-computation, speculation) replayed over every handler.</summary>
    private const string AllDecisions = "chosen + pre-compute + speculation (every handler)";

    /// <summary>Share of requests at or below each latency, for each policy; cut at the slowest policy's p99.5 so the body stays readable.</summary>
    public static string LatencyCdf(ServiceReport report)
    {
        var plot = NewPlot("Latency distribution (replayed trace)", "latency (ms)", "share of requests at or below");
        var series = report.Policies.Select(p => (p.Name, p.Chosen, p.Quantiles)).ToList();
        if (report.Policy.Precompute.Length + report.Policy.Speculate.Length > 0 && report.Decisions.FirstOrDefault(d => d.Name == "all") is { Quantiles.Count: > 0 } all)
        {
            series.Add((AllDecisions, false, all.Quantiles));
        }

        foreach (var (name, chosen, q) in series.Where(s => s.Quantiles.Count > 0))
        {
            var line = plot.Add.ScatterLine(q.ToArray(), Enumerable.Range(0, q.Count).Select(k => k / (double)(q.Count - 1)).ToArray(), PolicyColor(name, chosen));
            line.LegendText = name;
            line.LineWidth = chosen || name == AllDecisions ? 3 : 1.5f;
        }

        var right = series.Where(s => s.Quantiles.Count > 0).Select(s => s.Quantiles[(int)(0.995 * (s.Quantiles.Count - 1))]).DefaultIfEmpty(1).Max();
        plot.Axes.SetLimits(0, Math.Max(right * 1.05, 1e-3), 0, 1.02);
        plot.ShowLegend(Alignment.LowerRight);
        return plot.GetSvgXml(Width, Height);
    }

    /// <summary>Each candidate's hit ratio against cache size; the chosen caches in colour with their size marked, the others grey.</summary>
    public static string HitRatios(ServiceReport report)
    {
        var plot = NewPlot("Hit-ratio curves (each cache alone, LRU)", "cache size (bytes)", "hit ratio");
        var chosen = report.Candidates.Where(c => c.ChosenBytes is not null).ToList();
        foreach (var c in report.Candidates.Where(c => c.ChosenBytes is null))
        {
            var line = Step(plot, c.Curve, Color.FromHex("#b0b0b0"));
            line.LineWidth = 1;
        }

        var right = 0.0;
        foreach (var c in chosen)
        {
            var index = report.Policy.Caches.Select((k, i) => (k, i)).FirstOrDefault(x => x.k.Handler == c.Handler && x.k.Nodes.SequenceEqual(c.Nodes), (null!, chosen.IndexOf(c))).Item2;
            var color = Color.FromHex(PolicyMarks.CacheColor(index));
            var line = Step(plot, c.Curve, color);
            line.LineWidth = 2.5f;
            line.LegendText = $"{c.Name} ({c.Handler}): {c.ChosenBytes} B chosen";
            var bytes = c.ChosenBytes!.Value;
            var at = report.Caches.First(k => k.Handler == c.Handler && k.Nodes.SequenceEqual(c.Nodes)).CurveHitRatio;
            // Solid lines only: Skia's SVG canvas cannot draw dash patterns (it prints a complaint on stdout).
            plot.Add.VerticalLine(bytes, 1, color.WithAlpha(0.5));
            plot.Add.Marker(bytes, at, MarkerShape.FilledCircle, 9, color);
            right = Math.Max(right, bytes * 4.0);
        }

        if (report.Candidates.Any(c => c.ChosenBytes is null))
        {
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = "other candidates", LineColor = Color.FromHex("#b0b0b0"), LineWidth = 1 });
        }

        var last = report.Candidates.Select(c => (double)c.Curve.Bytes[^1]).DefaultIfEmpty(1).Max();
        plot.Axes.SetLimits(0, Math.Max(1, right > 0 ? Math.Min(Math.Max(right, last / 8), last * 1.05) : last * 1.05), 0, 1.02);
        plot.ShowLegend(Alignment.LowerRight);
        return plot.GetSvgXml(Width, Height);
    }

    /// <summary>Mean latency of the searched caches and of each reference policy from B/8 to 8B, on a doubling axis.</summary>
    public static string Budget(ServiceReport report)
    {
        var plot = NewPlot("Mean latency against the budget", "total budget (B = " + Bytes(report.BudgetBytes) + ")", "mean latency (ms)");
        var names = report.Sweep.SelectMany(p => p.Policies).Select(p => (p.Name, p.Chosen)).Distinct().ToList();
        foreach (var (name, chosen) in names)
        {
            var points = report.Sweep.Select(p => (X: Math.Log2(p.Factor), P: p.Policies.FirstOrDefault(q => q.Name == name))).Where(p => p.P is not null).ToList();
            var line = plot.Add.Scatter(points.Select(p => p.X).ToArray(), points.Select(p => p.P!.MeanMs).ToArray(), PolicyColor(name, chosen));
            line.LegendText = name;
            line.LineWidth = chosen ? 3 : 1.5f;
            line.MarkerSize = chosen ? 8 : 5;
        }

        plot.Add.VerticalLine(0, 1, Colors.Black.WithAlpha(0.4));
        plot.Axes.Bottom.SetTicks(
            [.. report.Sweep.Select(p => Math.Log2(p.Factor))],
            [.. report.Sweep.Select(p => FactorName(p.Factor) + "\n" + Bytes(p.BudgetBytes))]);
        plot.Axes.SetLimitsY(0, report.Sweep.SelectMany(p => p.Policies).Select(p => p.MeanMs).DefaultIfEmpty(1).Max() * 1.1);
        plot.ShowLegend(Alignment.UpperRight);
        return plot.GetSvgXml(Width, Height);
    }

    public static string FactorName(double factor) => factor switch
    {
        1 => "B",
        < 1 => "B/" + (1 / factor).ToString("0.##", CultureInfo.InvariantCulture),
        _ => factor.ToString("0.##", CultureInfo.InvariantCulture) + "B",
    };

    public static string Bytes(long bytes) => bytes switch
    {
        >= 1 << 30 when bytes % (1 << 30) == 0 => $"{bytes >> 30} GB",
        >= 1 << 20 when bytes % (1 << 20) == 0 => $"{bytes >> 20} MB",
        >= 1 << 10 when bytes % (1 << 10) == 0 => $"{bytes >> 10} KB",
        _ => $"{bytes} B",
    };

    private static ScottPlot.Plottables.Scatter Step(Plot plot, HitRatioCurve curve, Color color)
    {
        var line = plot.Add.ScatterLine(curve.Bytes.Select(b => (double)b).ToArray(), curve.HitRatio.ToArray(), color);
        line.ConnectStyle = ConnectStyle.StepHorizontal;
        return line;
    }

    /// <summary>The same colour for a policy in every chart: the chosen one red, the references fixed, no cache grey.</summary>
    private static Color PolicyColor(string name, bool chosen) => Color.FromHex(chosen ? "#d62728" : name switch
    {
        "no cache" => "#7f7f7f",
        "Random" => "#9467bd",
        "Uniform" => "#1f77b4",
        "All-encompassing" => "#2ca02c",
        _ => "#ff7f0e",
    });

    /// <summary>DejaVu Sans where installed (Debian's fonts-dejavu-core); ScottPlot's own pick of a sans font otherwise.</summary>
    private static readonly string SansFont = Fonts.GetTypeface("DejaVu Sans", false, false)?.FamilyName == "DejaVu Sans" ? "DejaVu Sans" : Fonts.Sans;

    private static Plot NewPlot(string title, string x, string y)
    {
        var plot = new Plot();
        plot.Font.Set(SansFont);
        plot.Title(title);
        plot.XLabel(x);
        plot.YLabel(y);
        return plot;
    }
}
