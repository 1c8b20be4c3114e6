using Fluxo.Diagnostics;
using Fluxo.Optimizer.Ahead;
using Fluxo.Optimizer.Replay;
using Fluxo.TestSupport;
using Fluxo.Trace;

namespace Fluxo.Optimizer.Tests;

public sealed class HeldOutTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fluxo-heldout-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, TraceData trace)
    {
        var path = Path.Combine(_dir, name + ".bin");
        using (var writer = TraceWriter.Create(path, trace.Header))
        {
            foreach (var r in trace.Requests)
            {
                writer.Write(r);
            }
        }

        return path;
    }

    private static OptimizeReport Optimize(string path, DiagnosticBag diagnostics, double holdOut = ServiceOptimizer.DefaultHoldOut, bool hotKeys = true, long budget = 16 * 1024) =>
        ServiceOptimizer.Optimize(WeatherIr.Module(), new OptimizeRequest("weather.flimp", path, budget, HoldOut: holdOut, HotKeys: hotKeys), diagnostics)!;

    [Fact]
    public void The_last_fifth_is_held_out_unless_a_part_would_be_tiny()
    {
        var trace = new WeatherTraceGenerator().Generate(WeatherWorkload.Paper[0], 1000, 1);
        var (search, check) = ServiceOptimizer.Split(trace, 0.2);
        Assert.Equal(trace.Requests.Take(800).Select(r => r.Id), search.Requests.Select(r => r.Id));
        Assert.Equal(trace.Requests.Skip(800).Select(r => r.Id), check!.Requests.Select(r => r.Id));
        Assert.Null(ServiceOptimizer.Split(trace, 0).Check);
        Assert.Null(ServiceOptimizer.Split(new WeatherTraceGenerator().Generate(WeatherWorkload.Paper[0], 200, 1), 0.2).Check);
    }

    [Fact]
    public void Steady_traffic_gains_about_as_much_held_out_as_in_sample()
    {
        var path = Write("steady", new WeatherTraceGenerator().Generate(WeatherWorkload.Paper[2], 20_000, 4));
        var diagnostics = new DiagnosticBag();
        var report = Optimize(path, diagnostics, hotKeys: false);
        var check = report.HeldOut!;
        Assert.Equal((16_000, 4000), (check.InSampleRequests, check.HeldOutRequests));
        Assert.Equal(16_000, report.TraceRequests);
        Assert.True(check.InSampleGain > 5, $"{check.InSampleGain}");
        Assert.True(check.GapPoints <= 2, $"{check.InSampleGain} vs {check.HeldOutGain}");
        Assert.DoesNotContain(diagnostics.Items, d => d.Code == "FLX2200");

        // Hot keys chosen from the in-sample requests serve those requests best, so they may widen the gap a little, but
        // they gain on the held-out requests too.
        var hot = Optimize(path, new DiagnosticBag()).HeldOut!;
        Assert.True(hot.HeldOutGain > check.HeldOutGain + 1, $"held out: {hot.HeldOutGain} with hot keys, {check.HeldOutGain} without");
        Assert.True(hot.GapPoints <= 3, $"{hot.InSampleGain} vs {hot.HeldOutGain}");
        Assert.Null(Optimize(path, new DiagnosticBag(), holdOut: 0).HeldOut);
    }

    [Fact]
    public void One_replay_of_the_whole_trace_scores_the_in_sample_window_as_a_replay_of_the_in_sample_requests_alone()
    {
        var path = Write("windows", new WeatherTraceGenerator().Generate(WeatherWorkload.Paper[1], 4000, 3));
        var report = Optimize(path, new DiagnosticBag());
        Assert.NotEmpty(report.Policy.Caches);
        var whole = ServiceReplay.Read(WeatherIr.Module(), path, new DiagnosticBag())!;
        var inSample = whole.Prefix(3200);
        foreach (var objective in Enum.GetValues<Objective>())
        {
            var (before, after) = whole.ScoreWindows(report.Policy, 1000, 3200, objective);
            Assert.Equal(inSample.Score(report.Policy, 1000).Score(objective), before);
            Assert.Equal(whole.Score(report.Policy, 3200).Score(objective), after);
        }
    }

    [Fact]
    public void Traffic_that_changes_at_the_end_draws_a_warning()
    {
        var generator = new WeatherTraceGenerator();
        var early = generator.Generate(WeatherWorkload.Paper[2], 4000, 5);
        var late = generator.Generate(WeatherWorkload.Paper[0] with { HotIps = 50_000, Zips = 50_000 }, 1000, 6);
        var last = early.Requests[^1];
        var shifted = late.Requests.Select(r => r with { Id = r.Id + 4000, ArrivalMs = r.ArrivalMs + last.ArrivalMs });
        var path = Write("shift", early with { Requests = [.. early.Requests, .. shifted] });
        var diagnostics = new DiagnosticBag();
        var check = Optimize(path, diagnostics).HeldOut!;
        Assert.True(check.GapPoints > ServiceOptimizer.HeldOutWarningPoints, $"{check.InSampleGain} vs {check.HeldOutGain}");
        var warning = Assert.Single(diagnostics.Items, d => d.Code == "FLX2200");
        Assert.Equal(Severity.Warning, warning.Severity);
    }

    [Fact]
    public void The_in_sample_gain_counts_no_hit_a_run_would_not_have()
    {
        // Two thirds of the requests come from IPs seen once, and the budget holds every key: in a run, a request hits only
        // on a key requested earlier, so the in-sample requests (with less history) gain no more than the held-out ones. A
        // second pass over the in-sample requests would find every key cached by the first and report far more.
        var path = Write("cold", new WeatherTraceGenerator().Generate(WeatherWorkload.Paper[0], 10_000, 8));
        var report = Optimize(path, new DiagnosticBag(), budget: 64L * 1024 * 1024);
        var check = report.HeldOut!;
        Assert.NotEmpty(report.Policy.Caches);
        Assert.True(check.InSampleGain > 30 && check.InSampleGain <= check.HeldOutGain + 1, $"{check.InSampleGain} vs {check.HeldOutGain}");
    }

    [Fact]
    public void Bytes_a_hot_key_part_leaves_unused_go_to_a_remaining_cache()
    {
        // The grid's 80-10-10 z1.2 row: the zip part stores every zip requested twice in 161 KB of its 211 KB.
        var workload = new WeatherWorkload("80-10-10", 0.8, 0.1, 0.1, Zips: 100_000, ZipSkew: 1.2, HotIps: 100_000, HotIpSkew: 1.2, ColdIps: 100_000, Cities: 5_000, CitySkew: 1.2);
        var path = Write("regrow", new WeatherTraceGenerator().Generate(workload, 10_000, 7));
        var report = Optimize(path, new DiagnosticBag(), budget: 256 * 1024);
        var hot = report.Policy.Precompute.Where(p => p.KeyedByRequest).ToList();
        Assert.NotEmpty(hot);
        Assert.Equal(report.Found.Placement.Sum(p => p.Bytes), report.WrittenCaches.Sum(p => p.Bytes) + hot.Sum(p => p.Bytes));
        Assert.Contains(report.WrittenCaches, w => report.Found.Placement.Any(p => p.Candidate.Nodes.SequenceEqual(w.Candidate.Nodes) && p.Candidate.Part == w.Candidate.Part && w.Bytes > p.Bytes));
        Assert.Equal(report.WrittenCaches.Select(w => w.Bytes), report.Policy.Caches.Select(c => c.Bytes));
    }
}
