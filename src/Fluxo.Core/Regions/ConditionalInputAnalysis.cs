using Fluxo.Ir;

namespace Fluxo.Regions;

/// <summary>
/// Which inputs a node pulls on every evaluation. Evaluation is lazy, so an input read only inside an
/// If branch, the right side of a short-circuit operator, a lambda body or a guarded node's body may be
/// absent from a trace; a cache key must never need such an input.
/// </summary>
public static class ConditionalInputAnalysis
{
    public static bool[] Of(Node node)
    {
        // A guarded node's body runs only when its guard holds, so only the guard's inputs are certain.
        var always = Strictness.Of(node.Guard ?? node.Expr);
        var result = new bool[node.Inputs.Length];
        for (var i = 0; i < result.Length; i++)
        {
            // A node without an Expr (Source, an opaque Pipes module) pulls everything it is given.
            result[i] = (node.Expr is not null || node.Guard is not null) && !always.Contains(i);
        }

        return result;
    }
}
