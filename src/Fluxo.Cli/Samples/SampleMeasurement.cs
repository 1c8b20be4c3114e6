using Fluxo.Cli.Shared;
using Fluxo.Diagnostics;
using Fluxo.Frontends;
using Fluxo.Ir;
using Fluxo.Optimizer;
using Fluxo.Policy;
using Fluxo.Runtime;
using Fluxo.Runtime.Engine;
using Fluxo.Runtime.Externs;
using Fluxo.Runtime.Tracing;
using Fluxo.Runtime.Workloads;
using Fluxo.Trace;

namespace Fluxo.Cli.Samples;

/// <summary>One handler's latency under virtual time without caches and with the chosen policy, and what was cached.</summary>
public sealed record HandlerSavings(string Handler, long Requests, LatencyRow Before, LatencyRow? After, IReadOnlyList<string> Cached, long CacheBytes);

/// <summary>What measuring one sample found.</summary>
public sealed record SampleSavings(
    SampleFolder Sample, string Service, int Requests, long Budget, IReadOnlyList<HandlerSavings> Handlers,
    LatencyRow Before, LatencyRow After, PolicyDocument Policy);

/// <summary>
/// Measures one sample the way a user would: run its workload with tracing, optimize the whole service from the
/// trace under one budget as `fluxo optimize` does, run the same workload again with the chosen policy.
/// </summary>
public static class SampleMeasurement
{
    /// <summary>Bytes used when a workload names no budget.</summary>
    public const long DefaultBudget = 16 * 1024;

    public static async Task<SampleSavings?> MeasureAsync(SampleFolder sample, int requests, string scratchDir, DiagnosticBag diags, CancellationToken ct)
    {
        var module = ServiceLoader.Load(sample.Service, diags);
        if (module is null || diags.HasErrors)
        {
            return null;
        }

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var bindings = module.Externs.Length == 0 && !File.Exists(ServiceBindings.PathBeside(sample.Service))
            ? ServiceBindings.Empty
            : ServiceBindings.Read(ServiceBindings.PathBeside(sample.Service), module, http, diags);
        var workload = WorkloadJson.Read(sample.Workload, module, diags);
        if (bindings is null || workload is null || diags.HasErrors)
        {
            return null;
        }

        var budget = workload.CacheBudgetBytes ?? DefaultBudget;
        var tracePath = Path.Combine(scratchDir, sample.Name + ".trace.bin");
        var before = await RunAsync(module, bindings, workload, null, tracePath, requests, diags, ct);
        var policy = before is null ? null : ServiceOptimizer.Optimize(module, new OptimizeRequest(sample.Service, tracePath, budget), diags)?.Policy;
        if (before is null || policy is null || diags.HasErrors)
        {
            return null;
        }

        var after = await RunAsync(module, bindings, workload, policy, null, requests, diags, ct);
        if (after is null)
        {
            return null;
        }

        var handlers = before.Rows.Where(r => r.Handler != "all").Select(r =>
        {
            var caches = policy.Caches.Where(c => c.Handler == r.Handler).ToList();
            var graph = module.FindGraph(r.Handler)!;
            var labels = caches.Select(c => Fluxo.Reporting.Graphs.NodeLabels.CacheName(graph, c.Nodes)).ToList();
            return new HandlerSavings(r.Handler, r.Requests, r, after.Rows.FirstOrDefault(a => a.Handler == r.Handler), labels, caches.Sum(c => c.Bytes));
        }).ToList();
        return new SampleSavings(sample, module.Service, requests, budget, handlers, before.Overall, after.Overall, policy);
    }

    private static async Task<RunReport?> RunAsync(
        IrModule module, ServiceBindings bindings, Workload workload, PolicyDocument? policy, string? tracePath, int requests, DiagnosticBag diags, CancellationToken ct)
    {
        var options = new EngineOptions { Clock = ClockMode.Virtual, Bindings = bindings, Policy = policy, Trace = tracePath is not null };
        var engine = ServiceEngine.Create(module, options, diags);
        if (engine is null)
        {
            return null;
        }

        if (!RunTraceFile.TryOpen(tracePath, engine.TraceHeader, binary: true, diags, out var trace))
        {
            return null;
        }

        RunReport report;
        bool closed;
        try
        {
            report = await new WorkloadRunner(engine, workload, trace).RunAsync(requests, ct);
        }
        finally
        {
            closed = RunTraceFile.Close(trace, tracePath, diags);
        }

        return closed ? report : null;
    }
}
