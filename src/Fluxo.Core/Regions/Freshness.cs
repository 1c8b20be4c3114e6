using Fluxo.Builtins;
using Fluxo.Ir;

namespace Fluxo.Regions;

/// <summary>
/// How long a node's value may be reused, the rule that lets a cache hold non-deterministic parts with an expiry
/// (<see cref="CachedRegion.MaxAgeMs"/>). A cacheable node (deterministic, side-effect-free) forever. A side-effect-free
/// node that is not deterministic only because it calls externs or reads tables or feeds: the smallest bound among
/// them, where an extern declared <c>fresh 60s</c> gives 60 s and the user's staleness bound (<c>--staleness</c>, or
/// a cache's own <c>ttlSeconds</c> in a policy) bounds the others and caps the declared ones. Anything else (a clock,
/// an id, randomness, a side effect) is never reused: 0.
/// </summary>
public static class Freshness
{
    /// <summary>Per node of <paramref name="graph"/>, the longest age in ms its value may be reused at; +inf forever, 0 never.</summary>
    public static double[] MaxAgeMs(IrModule module, Graph graph, double? stalenessMs)
    {
        var result = new double[graph.Nodes.Length];
        foreach (var node in graph.Nodes)
        {
            result[node.Id] = NodeMaxAgeMs(module, node, stalenessMs);
        }

        return result;
    }

    public static double NodeMaxAgeMs(IrModule module, Node node, double? stalenessMs)
    {
        if (node.Kind is NodeKind.Source or NodeKind.Sink || !node.Props.SideEffectFree || !node.Props.Writes.IsDefaultOrEmpty)
        {
            return 0;
        }

        if (node.Props.Deterministic)
        {
            return double.PositiveInfinity;
        }

        var user = stalenessMs is > 0 ? stalenessMs.Value : 0;
        if (node.Kind is NodeKind.PipeModule)
        {
            return user;
        }

        var bound = double.PositiveInfinity;
        var visited = new HashSet<string>(StringComparer.Ordinal);
        void Visit(Expr? e)
        {
            foreach (var x in ExprTree.Walk(e))
            {
                switch (x)
                {
                    case TableGetExpr or TableQueryExpr:
                        bound = Math.Min(bound, user);
                        break;
                    case CallExpr { Kind: CallKind.Extern } c:
                        var ext = module.FindExtern(c.Name);
                        if (ext is null || !ext.SideEffectFree)
                        {
                            bound = 0;
                        }
                        else if (!ext.Deterministic)
                        {
                            bound = Math.Min(bound, ext.FreshnessMs is > 0 ? (user > 0 ? Math.Min(user, ext.FreshnessMs.Value) : ext.FreshnessMs.Value) : user);
                        }

                        break;
                    case CallExpr { Kind: CallKind.Builtin } c:
                        if (BuiltinCatalog.Find(c.Name) is not { Deterministic: true })
                        {
                            bound = 0;
                        }

                        break;
                    case CallExpr { Kind: CallKind.Fn } c when visited.Add(c.Name):
                        Visit(module.FindFunction(c.Name)?.Body);
                        break;
                }
            }
        }

        Visit(node.Expr);
        Visit(node.Guard);

        // Not deterministic for a reason none of the above explains (an unknown call kind): never reused.
        return double.IsPositiveInfinity(bound) ? 0 : bound;
    }
}
