using System.Globalization;
using Fluxo.Diagnostics;
using Fluxo.Frontends;
using Fluxo.Optimizer;
using Fluxo.Policy;
using Fluxo.TestSupport;
using Fluxo.Trace;

namespace Fluxo.Cli.Tests;

/// <summary>One budget for the whole service: every handler's caches compete on the mean over all requests.</summary>
public sealed class WholeServiceTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fluxo-whole-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private (OptimizationSession Session, string Trace) Record(string sample, int requests, long budget)
    {
        var folder = Path.Combine(RepoPaths.Samples, sample);
        var service = Path.Combine(folder, sample + ".flimp");
        var trace = Path.Combine(_dir, sample + ".log");
        var (code, _, error) = CliRunner.Run("run", service, "--bindings", Path.Combine(folder, sample + ".bindings.json"),
            "--workload", Path.Combine(folder, "workload-sessions.json"), "--requests", requests.ToString(CultureInfo.InvariantCulture), "--trace", trace);
        Assert.True(code == 0, error);
        var diagnostics = new DiagnosticBag();
        var module = ServiceLoader.Load(service, diagnostics)!;
        var data = TraceFile.Read(trace, module, diagnostics)!;
        var session = OptimizationSession.Create(module, data, trace, budget, diagnostics);
        Assert.False(diagnostics.HasErrors, string.Join("\n", diagnostics.Items));
        return (session!, trace);
    }

    [Fact]
    public void Instant_messaging_caches_its_slow_handler_and_gains_at_least_the_best_single_handler()
    {
        var (session, _) = Record("im", 1500, 16 * 1024);
        Assert.True(session.Parts.Count > 5, session.Describe());
        var none = session.Simulator.Run([]);
        var found = session.Search(SearchMethod.Mrc);
        Assert.Contains(found.Placement, p => p.Candidate.Handler == "send");
        var single = session.BestSingleHandler(SearchMethod.Mrc);
        Assert.True(single.Count > 1);
        foreach (var (handler, best) in single)
        {
            Assert.True(found.Result.MeanMs <= best.Result.MeanMs + 1e-9, $"{handler} alone: {best.Result.MeanMs} vs whole service {found.Result.MeanMs}");
        }

        // The handler with most requests alone, as `optimize` used to choose, gains far less than the whole service.
        var busiest = session.Parts.MaxBy(p => p.Trace.Requests)!.Graph.Name;
        Assert.NotEqual("send", busiest);
        Assert.True(found.Result.MeanMs < none.MeanMs * 0.6, $"{found.Result.MeanMs} vs {none.MeanMs}");

        // The policy names each cache's own handler and replays to the same figures.
        var policy = session.ToPolicy(found.Placement);
        Assert.All(policy.Caches, c => Assert.Equal(session.Module.FindGraph(c.Handler)!.Hash, c.GraphHash));
        var diagnostics = new DiagnosticBag();
        var again = session.FromPolicy(PolicyJson.Parse("p.json", PolicyJson.Serialize(policy), diagnostics)!, "p.json", diagnostics)!;
        Assert.Equal(found.Result.MeanMs, session.Simulator.Run(again).MeanMs, 9);
        Assert.True(policy.Caches.Sum(c => c.Bytes) <= 16 * 1024);
    }
}
