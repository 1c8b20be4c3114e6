using System.Collections.Immutable;
using Fluxo.Diagnostics;
using Fluxo.Ir;
using Fluxo.Regions;

namespace Fluxo.Policy;

/// <summary>
/// The checks every command that takes a policy (run, simulate, compile) makes before using it, so a hand-written or
/// damaged policy is a list of located errors rather than an exception, a stack overflow or a service that never
/// answers: no null entries, every node id in its graph, every cache a valid <see cref="CachedRegion"/>, caches of
/// one handler disjoint and never waiting on each other, bytes positive. Decisions for a handler or graph version
/// the program does not have are stale, left to <see cref="StalePolicy"/> (or, in simulate, to the optimizer's check).
/// </summary>
public static class PolicyCheck
{
    /// <summary>Reports every problem of <paramref name="policy"/> against <paramref name="module"/>; true when there is none.</summary>
    public static bool Validate(IrModule module, PolicyDocument policy, string path, DiagnosticBag diagnostics)
    {
        var before = diagnostics.Items.Count(d => d.Severity == Severity.Error);
        void Invalid(string where, string reason) => diagnostics.Add(Diag.PolicyInvalid(path, where, reason));
        void Misfit(string where, string reason) => diagnostics.Add(Diag.PolicyDoesNotFit(path, where, reason));

        if (policy.BudgetBytes < 0)
        {
            Invalid("$.budgetBytes", $"the budget is {policy.BudgetBytes} bytes");
        }

        // The graph a decision names when it is current; a null or incomplete entry is reported here.
        Graph? Current(object? decision, string? handler, string? hash, ImmutableArray<int> nodes, string where)
        {
            if (decision is null)
            {
                Invalid(where, "the entry is null");
                return null;
            }

            if (handler is null || nodes.IsDefault)
            {
                Invalid(where, "a decision needs a handler and nodes");
                return null;
            }

            // A decision for a handler the program no longer has, or for another version of its graph, is stale: StalePolicy's rule.
            var graph = module.FindGraph(handler);
            if (graph is null || graph.Hash != hash)
            {
                return null;
            }

            foreach (var n in nodes)
            {
                if (n < 0 || n >= graph.Nodes.Length)
                {
                    Misfit(where, $"node {n} does not exist: handler '{handler}' has nodes 0 to {graph.Nodes.Length - 1}");
                    return null;
                }
            }

            return graph;
        }

        var placed = new Dictionary<string, List<(int Index, int[] Nodes)>>(StringComparer.Ordinal);
        for (var j = 0; j < Count(policy.Caches); j++)
        {
            var c = policy.Caches[j];
            if (Current(c, c?.Handler, c?.GraphHash, c?.Nodes ?? default, $"$.caches[{j}]") is not { } graph)
            {
                continue;
            }

            if (c!.Bytes <= 0)
            {
                diagnostics.Add(Diag.PolicyNegativeBytes(path, j, c.Bytes));
            }

            if (CachedRegion.ForCache(module, new GraphReach(graph), c.Nodes, c.TtlMs, out var problem, out var stale) is null)
            {
                diagnostics.Add(stale is null ? problem!.ToDiagnostic(path, $"$.caches[{j}]") : Diag.BadCacheTtl(path, $"$.caches[{j}].ttlSeconds", stale));
                continue;
            }

            var nodes = c.Nodes.Distinct().ToArray();
            if (!placed.TryGetValue(graph.Name, out var others))
            {
                placed[graph.Name] = others = [];
            }

            var clash = others.FindIndex(o => o.Nodes.Intersect(nodes).Any());
            if (clash < 0 && WaitOnEachOther(graph, [.. others.Select(o => o.Nodes), nodes]))
            {
                clash = others.Count - 1;
            }

            if (clash >= 0)
            {
                diagnostics.Add(Diag.PolicyOverlap(path, j, others[clash].Index));
                continue;
            }

            others.Add((j, nodes));
        }

        for (var j = 0; j < Count(policy.Precompute); j++)
        {
            var p = policy.Precompute[j];
            if (p is { KeyedByRequest: true } && PrecomputeRule.ParseHotKeys(p.HotKeys) is null)
            {
                diagnostics.Add(Diag.BadHotKey(path, $"$.precompute[{j}].hotKeys"));
                continue;
            }

            if (Current(p, p?.Handler, p?.GraphHash, p?.Nodes ?? default, $"$.precompute[{j}]") is { } graph)
            {
                Inner(graph, p!.Nodes, $"$.precompute[{j}]");
            }
        }

        for (var j = 0; j < Count(policy.Speculate); j++)
        {
            var s = policy.Speculate[j];
            var where = $"$.speculate[{j}]";
            if (s is not null && s.AfterHandler is null)
            {
                Invalid(where, "a speculation needs the handler it follows");
                continue;
            }

            if (s is not null && (s.Inputs.IsDefault || s.Inputs.Any(i => i?.Param is null)))
            {
                Invalid(where, "a speculation needs its inputs, each naming a parameter");
                continue;
            }

            if (s is not null && s.Inputs.FirstOrDefault(i => i.ResultField is { } f && (!i.FromResult || f.Length == 0)) is { } field)
            {
                Invalid(where, $"input '{field.Param}' names a result field, which needs \"fromResult\": true and a field name");
                continue;
            }

            if (Current(s, s?.Handler, s?.GraphHash, s?.Nodes ?? default, where) is { } graph)
            {
                Inner(graph, s!.Nodes, where);
            }
        }

        void Inner(Graph graph, ImmutableArray<int> nodes, string where)
        {
            if (nodes.IsEmpty || nodes.Any(n => n == graph.SourceId || n == graph.SinkId))
            {
                Misfit(where, "a decision holds one or more nodes between the Source and the Sink");
            }
        }

        return diagnostics.Items.Count(d => d.Severity == Severity.Error) == before;
    }

    private static int Count<T>(ImmutableArray<T> items) => items.IsDefault ? 0 : items.Length;

    /// <summary>
    /// Whether the caches, each run as one unit (every node outside them a unit of its own), feed each other in a
    /// cycle: each would wait for the other's outputs to compute its key.
    /// </summary>
    private static bool WaitOnEachOther(Graph graph, IReadOnlyList<int[]> caches)
    {
        var unitOf = Enumerable.Range(0, graph.Nodes.Length).Select(v => caches.Count + v).ToArray();
        for (var k = 0; k < caches.Count; k++)
        {
            foreach (var v in caches[k])
            {
                unitOf[v] = k;
            }
        }

        var units = caches.Count + graph.Nodes.Length;
        var next = Enumerable.Range(0, units).Select(_ => new HashSet<int>()).ToArray();
        var waiting = new int[units];
        foreach (var n in graph.Nodes)
        {
            foreach (var input in n.Inputs)
            {
                if (unitOf[input.From] != unitOf[n.Id] && next[unitOf[input.From]].Add(unitOf[n.Id]))
                {
                    waiting[unitOf[n.Id]]++;
                }
            }
        }

        var ready = new Stack<int>(Enumerable.Range(0, units).Where(u => waiting[u] == 0));
        var done = 0;
        while (ready.Count > 0)
        {
            done++;
            foreach (var w in next[ready.Pop()])
            {
                if (--waiting[w] == 0)
                {
                    ready.Push(w);
                }
            }
        }

        return done < units;
    }
}
