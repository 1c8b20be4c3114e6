using Fluxo.Diagnostics;
using Fluxo.Optimizer.Graphs;
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

            if (cache.Handler != session.Graph.Name)
            {
                continue;
            }

            if (cache.GraphHash != session.Graph.Hash)
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
            var candidate = Candidate.TryCreate(session.Facts, 100_000 + j, nodes, out var problem);
            if (candidate is null)
            {
                diagnostics.Add(Diag.BadCachedRegion(path, $"$.caches[{j}]", problem!));
                continue;
            }

            if (CandidateKeys.Compute(session.Trace, candidate, out var request) is null)
            {
                diagnostics.Add(Diag.PolicyKeyNotInTrace(path, j, request));
                continue;
            }

            var clash = placement.FindIndex(p => p.Candidate.Overlaps(candidate));
            if (clash >= 0 || ReplayProgram.UnitOrder(session.Facts, [.. placement.Select(p => p.Candidate), candidate]) is null)
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
