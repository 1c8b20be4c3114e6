using Fluxo.Ir;

namespace Fluxo.Policy;

/// <summary>
/// Which nodes may run before (or apart from) the request that needs them; the optimizer proposes and
/// the runtime accepts only such nodes, so no speculative or pre-computed work ever has a side effect.
/// </summary>
public static class AheadRules
{
    /// <summary>
    /// A node a speculation may run: deterministic and side-effect-free, or a table read (side-effect-free;
    /// its result is used only while no write has touched its tables since it ran, see docs/optimizer.md).
    /// </summary>
    public static bool MaySpeculate(Node node) =>
        node.Kind is not (NodeKind.Source or NodeKind.Sink)
        && node.Props.SideEffectFree && node.Props.Writes.IsDefaultOrEmpty
        && (node.Props.Deterministic || IsTableRead(node));

    /// <summary>
    /// A node a pre-computation may run: independent of the request and side-effect-free. Non-deterministic
    /// feeds (externs, Pipes modules) and table reads are allowed because the user bounds their staleness;
    /// anything else that is not deterministic (clock, ids, randomness, passwords) is not, since a stored
    /// value of it is simply wrong.
    /// </summary>
    public static bool MayPrecompute(Node node) => MayPrecompute(node, hotKeys: false);

    /// <param name="node">The node.</param>
    /// <param name="hotKeys">For a part stored per hot key (keyed by the request fields it reads), nodes may depend on the request.</param>
    public static bool MayPrecompute(Node node, bool hotKeys) =>
        node.Kind is not (NodeKind.Source or NodeKind.Sink)
        && (hotKeys || !node.Props.DependsOnInput)
        && node.Props.SideEffectFree && node.Props.Writes.IsDefaultOrEmpty
        && (node.Props.Deterministic || node.Kind is NodeKind.Extern or NodeKind.PipeModule or NodeKind.TableGet or NodeKind.TableQuery);

    public static bool IsTableRead(Node node) => node.Kind is NodeKind.TableGet or NodeKind.TableQuery;

    /// <summary>
    /// The table a read or write node touches and, when its partition key is one of its inputs as is, that
    /// input's index: a speculated read is then checked against writes to its partition only.
    /// </summary>
    public static (string Table, int? PartitionInput)? TableAccess(Node node) => node.Expr switch
    {
        TableGetExpr t => (t.Table, (t.PartitionKey as InputExpr)?.Index),
        TableQueryExpr t => (t.Table, (t.PartitionKey as InputExpr)?.Index),
        TablePutExpr t => (t.Table, (t.PartitionKey as InputExpr)?.Index),
        TableDeleteExpr t => (t.Table, (t.PartitionKey as InputExpr)?.Index),
        _ => null,
    };

    /// <summary>
    /// The largest set of nodes that pass <paramref name="allowed"/> and whose every input comes from the set
    /// or is a Source field accepted by <paramref name="sourceField"/>: closed under inputs, hence convex.
    /// </summary>
    public static int[] Closure(Graph graph, Func<Node, bool> allowed, Func<string?, bool> sourceField)
    {
        var inSet = new bool[graph.Nodes.Length];
        foreach (var node in graph.Nodes)
        {
            inSet[node.Id] = allowed(node) && node.Inputs.All(i =>
                i.From == graph.SourceId ? sourceField(i.Field) : inSet[i.From]);
        }

        return [.. graph.Nodes.Where(n => inSet[n.Id]).Select(n => n.Id)];
    }

    /// <summary>
    /// Why <paramref name="members"/> (sorted, distinct) may not be one pre-computed (<paramref name="speculate"/> false) or
    /// speculated part of <paramref name="graph"/>, or null when it may: nodes strictly between the Source and the Sink,
    /// each allowed by <see cref="MayPrecompute"/> or <see cref="MaySpeculate"/>, every input from the part (or, for a
    /// speculation, a request field).
    /// </summary>
    /// <param name="hotKeys">A pre-computed part stored per hot key: like a speculation, it may read request fields.</param>
    public static string? PartProblem(Graph graph, IReadOnlyList<int> members, bool speculate, bool hotKeys = false)
    {
        if (members.Count == 0 || members.Any(m => m <= graph.SourceId || m >= graph.SinkId))
        {
            return "the subgraph holds one or more nodes between the Source and the Sink";
        }

        var set = members.ToHashSet();
        foreach (var m in members)
        {
            var node = graph[m];
            var allowed = speculate ? MaySpeculate(node) : MayPrecompute(node, hotKeys);
            if (!allowed || node.Inputs.Any(i => i.From == graph.SourceId ? !(speculate || hotKeys) : !set.Contains(i.From)))
            {
                return $"node {m} ({node.Label}) may not run ahead of its request: it has side effects, reads the clock or randomness, or needs a value from outside the subgraph";
            }
        }

        return null;
    }
}
