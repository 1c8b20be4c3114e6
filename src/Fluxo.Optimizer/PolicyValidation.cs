using Fluxo.Diagnostics;
using Fluxo.Optimizer.Candidates;
using Fluxo.Optimizer.Replay;
using Fluxo.Policy;

namespace Fluxo.Optimizer;

/// <summary>Checks a policy's caches against the program and the trace, so a hand-written policy fails with reasons, not exceptions.</summary>
internal static class PolicyValidation
{
    public static IReadOnlyList<CachePlacement>? ToPlacement(OptimizationSession session, PolicyDocument policy, string path, DiagnosticBag diagnostics)
    {
        var errors = diagnostics.Items.Count(d => d.Severity == Severity.Error);
        var placement = new List<CachePlacement>();
        for (var j = 0; j < policy.Caches.Length; j++)
        {
            var cache = policy.Caches[j];
            if (session.Module.FindGraph(cache.Handler) is null)
            {
                diagnostics.Add(Diag.PolicyUnknownHandler(path, j, cache.Handler));
                continue;
            }

            var part = session.Parts.ToList().FindIndex(p => p.Graph.Name == cache.Handler);
            if (part < 0)
            {
                continue;
            }

            var (graph, facts, trace) = session.Parts[part];
            if (cache.GraphHash != graph.Hash)
            {
                diagnostics.Add(Diag.PolicyGraphHashMismatch(path, j, cache.Handler));
                continue;
            }

            if (cache.Bytes <= 0)
            {
                diagnostics.Add(Diag.PolicyNegativeBytes(path, j, cache.Bytes));
                continue;
            }

            var nodes = cache.Nodes.IsDefault ? [] : cache.Nodes;
            var candidate = Candidate.ForCache(session.Module, facts, 100_000 + j, nodes, cache.TtlMs, out var problem, out var stale, part);
            if (candidate is null)
            {
                diagnostics.Add(stale is null ? problem!.ToDiagnostic(path, $"$.caches[{j}]") : Diag.BadCacheTtl(path, $"$.caches[{j}].ttlSeconds", stale));
                continue;
            }

            if (CandidateKeys.Compute(trace, candidate, out var request) is null)
            {
                diagnostics.Add(Diag.PolicyKeyNotInTrace(path, j, request));
                continue;
            }

            var clash = placement.FindIndex(p => p.Candidate.Part == part && p.Candidate.Overlaps(candidate));
            if (clash >= 0 || ReplayProgram.UnitOrder(facts, [.. placement.Where(p => p.Candidate.Part == part).Select(p => p.Candidate), candidate]) is null)
            {
                diagnostics.Add(Diag.PolicyOverlap(path, j, clash >= 0 ? clash : Math.Max(0, j - 1)));
                continue;
            }

            placement.Add(new CachePlacement(candidate, cache.Bytes));
        }

        var budget = policy.BudgetBytes;
        if (policy.Caches.Sum(c => c.Bytes) > budget)
        {
            diagnostics.Add(Diag.PolicyOverBudget(path, policy.Caches.Sum(c => c.Bytes), budget));
        }

        return diagnostics.Items.Count(d => d.Severity == Severity.Error) > errors ? null : placement;
    }
}
