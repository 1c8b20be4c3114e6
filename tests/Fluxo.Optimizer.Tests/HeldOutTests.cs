using Fluxo.Diagnostics;
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

    private static OptimizeReport Optimize(string path, DiagnosticBag diagnostics, double holdOut = ServiceOptimizer.DefaultHoldOut, bool hotKeys = true) =>
        ServiceOptimizer.Optimize(WeatherIr.Module(), new OptimizeRequest("weather.flimp", path, 16 * 1024, HoldOut: holdOut, HotKeys: hotKeys), diagnostics)!;

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
        var path = Write("steady", new WeatherTraceGenerator().Generate(WeatherWorkload.Paper[2], 10_000, 4));
        var diagnostics = new DiagnosticBag();
        var report = Optimize(path, diagnostics, hotKeys: false);
        var check = report.HeldOut!;
        Assert.Equal((8000, 2000), (check.InSampleRequests, check.HeldOutRequests));
        Assert.Equal(8000, report.TraceRequests);
        Assert.True(check.InSampleGain > 5, $"{check.InSampleGain}");
        Assert.True(check.GapPoints <= 2, $"{check.InSampleGain} vs {check.HeldOutGain}");
        Assert.DoesNotContain(diagnostics.Items, d => d.Code == "FLX2200");

        // Hot keys chosen from the in-sample requests serve those requests best, so they widen the gap a little (2.4
        // points here), but they gain on the held-out requests too (44.9% against 40.4% with an LRU on the same node).
        var hot = Optimize(path, new DiagnosticBag()).HeldOut!;
        Assert.True(hot.HeldOutGain > check.HeldOutGain + 1, $"held out: {hot.HeldOutGain} with hot keys, {check.HeldOutGain} without");
        Assert.True(hot.GapPoints <= 3, $"{hot.InSampleGain} vs {hot.HeldOutGain}");
        Assert.Null(Optimize(path, new DiagnosticBag(), holdOut: 0).HeldOut);
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
}
