using System.Globalization;
using Fluxo.Runtime;
using Fluxo.Runtime.Engine;
using Fluxo.Runtime.Workloads;
using Spectre.Console;

namespace Fluxo.Cli.Shared;

/// <summary>The table `fluxo run --workload` ends with: plain text for pipes and tests, Spectre on a terminal.</summary>
internal static class LatencyTable
{
    private static readonly string[] Headers = ["handler", "requests", "errors", "mean ms", "p50 ms", "p95 ms", "p99 ms", "req/s"];

    public static void Write(RunReport report, ClockMode clock, string? tracePath, TextWriter output, bool interactive)
    {
        var rows = report.Rows.Select(r => new[]
        {
            r.Handler, N(r.Requests), N(r.Errors), F(r.MeanMs), F(r.P50Ms), F(r.P95Ms), F(r.P99Ms), F(r.RequestsPerSecond),
        }).ToList();
        if (interactive)
        {
            var table = new Table().AddColumns(Headers);
            foreach (var r in rows)
            {
                table.AddRow(r);
            }

            AnsiConsole.Write(table);
        }
        else
        {
            var widths = Headers.Select((h, i) => Math.Max(h.Length, rows.Max(r => r[i].Length))).ToArray();
            output.WriteLine(string.Join("  ", Headers.Select((h, i) => i == 0 ? h.PadRight(widths[i]) : h.PadLeft(widths[i]))));
            foreach (var r in rows)
            {
                output.WriteLine(string.Join("  ", r.Select((c, i) => i == 0 ? c.PadRight(widths[i]) : c.PadLeft(widths[i]))));
            }
        }

        foreach (var (handler, errors) in report.FirstErrors.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            var failed = report.Rows.FirstOrDefault(r => r.Handler == handler)?.Errors ?? errors.Count;
            output.WriteLine($"errors of {handler} (first {errors.Count} of {N(failed)}):");
            foreach (var e in errors)
            {
                output.WriteLine("  " + e);
            }
        }

        foreach (var c in report.Caches)
        {
            var total = c.Hits + c.Misses;
            output.WriteLine($"cache {c.Handler}[{c.Nodes}] budget {N(c.BudgetBytes)} B: {N(c.Hits)} hits / {N(total)} lookups ({(total == 0 ? 0 : 100.0 * c.Hits / total).ToString("0.0", CultureInfo.InvariantCulture)}%), {N(c.Evictions)} evictions, {N(c.Bytes)} B used");
        }

        if (report.Ahead is { } a)
        {
            output.WriteLine($"speculation: {N(a.Used)} used of {N(a.Speculations)} started, {N(a.Wasted)} wasted ({F(a.WastedWorkMs)} ms of work wasted, {F(a.UsedWorkMs)} ms used); precompute: {N(a.Refreshes)} refreshes, {F(a.RefreshWorkMs)} ms of work");
        }

        var clockName = clock == ClockMode.Virtual ? "virtual" : "real";
        output.WriteLine($"{N(report.Requests)} requests over {F(report.ClockSeconds)} s of {clockName} time; engine wall time {F(report.WallSeconds)} s ({F(report.Requests / Math.Max(report.WallSeconds, 1e-9))} req/s), {F(report.CpuSeconds)} s CPU");
        if (tracePath is not null)
        {
            output.WriteLine($"trace: {tracePath}");
        }
    }

    /// <summary>The same numbers for `--format json`.</summary>
    public static void WriteJson(System.Text.Json.Utf8JsonWriter w, RunReport report, ClockMode clock, string? tracePath)
    {
        w.WriteNumber("requests", report.Requests);
        w.WriteString("clock", clock == ClockMode.Virtual ? "virtual" : "real");
        w.WriteNumber("clockSeconds", report.ClockSeconds);
        w.WriteNumber("wallSeconds", report.WallSeconds);
        w.WriteNumber("cpuSeconds", report.CpuSeconds);
        if (tracePath is not null)
        {
            w.WriteString("trace", tracePath);
        }

        w.WriteStartArray("handlers");
        foreach (var r in report.Rows)
        {
            w.WriteStartObject();
            w.WriteString("handler", r.Handler);
            w.WriteNumber("requests", r.Requests);
            w.WriteNumber("errors", r.Errors);
            w.WriteNumber("meanMs", r.MeanMs);
            w.WriteNumber("p50Ms", r.P50Ms);
            w.WriteNumber("p95Ms", r.P95Ms);
            w.WriteNumber("p99Ms", r.P99Ms);
            w.WriteNumber("requestsPerSecond", r.RequestsPerSecond);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartArray("caches");
        foreach (var c in report.Caches)
        {
            w.WriteStartObject();
            w.WriteString("handler", c.Handler);
            w.WriteString("nodes", c.Nodes);
            w.WriteNumber("budgetBytes", c.BudgetBytes);
            w.WriteNumber("hits", c.Hits);
            w.WriteNumber("lookups", c.Hits + c.Misses);
            w.WriteNumber("evictions", c.Evictions);
            w.WriteNumber("bytes", c.Bytes);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        if (report.Ahead is { } a)
        {
            w.WriteStartObject("ahead");
            w.WriteNumber("speculations", a.Speculations);
            w.WriteNumber("used", a.Used);
            w.WriteNumber("wasted", a.Wasted);
            w.WriteNumber("refreshes", a.Refreshes);
            w.WriteEndObject();
        }
    }

    private static string N(long v) => v.ToString("N0", CultureInfo.InvariantCulture);

    private static string F(double v) => v.ToString("0.00", CultureInfo.InvariantCulture);
}
