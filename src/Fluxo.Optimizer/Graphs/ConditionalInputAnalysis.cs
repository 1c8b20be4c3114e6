using Fluxo.Ir;

namespace Fluxo.Optimizer.Graphs;

/// <summary>
/// Which inputs a node pulls on every evaluation. Evaluation is lazy, so an input read only inside an
/// If branch, the right side of a short-circuit operator, a lambda body or a guarded node's body may be
/// absent from a trace; a cache key must never need such an input.
/// </summary>
internal static class ConditionalInputAnalysis
{
    public static bool[] Of(Node node)
    {
        var always = new HashSet<int>();
        if (node.Guard is not null)
        {
            Collect(node.Guard, always);
        }
        else if (node.Expr is not null)
        {
            Collect(node.Expr, always);
        }

        var result = new bool[node.Inputs.Length];
        for (var i = 0; i < result.Length; i++)
        {
            // A node without an Expr (Source, an opaque Pipes module) pulls everything it is given.
            result[i] = (node.Expr is not null || node.Guard is not null) && !always.Contains(i);
        }

        return result;
    }

    private static void Collect(Expr expr, HashSet<int> always)
    {
        switch (expr)
        {
            case InputExpr i:
                always.Add(i.Index);
                break;
            case IfExpr e:
                Collect(e.Condition, always);
                break;
            case BinaryExpr { Operator: "&&" or "||" } b:
                Collect(b.Left, always);
                break;
            case BinaryExpr b:
                Collect(b.Left, always);
                Collect(b.Right, always);
                break;
            case UnaryExpr u:
                Collect(u.Operand, always);
                break;
            case LetExpr l:
                Collect(l.Value, always);
                Collect(l.Body, always);
                break;
            case CallExpr c:
                foreach (var a in c.Args)
                {
                    Collect(a, always);
                }

                break;
            case RecordExpr r:
                foreach (var f in r.Fields)
                {
                    Collect(f.Value, always);
                }

                break;
            case FieldExpr f:
                Collect(f.Target, always);
                break;
            case ListExpr l:
                foreach (var item in l.Items)
                {
                    Collect(item, always);
                }

                break;
            case MapExpr m:
                Collect(m.List, always);
                break;
            case FilterExpr f:
                Collect(f.List, always);
                break;
            case FoldExpr f:
                Collect(f.List, always);
                Collect(f.Init, always);
                break;
            case TableGetExpr t:
                Collect(t.PartitionKey, always);
                Collect(t.RowKey, always);
                break;
            case TableQueryExpr t:
                Collect(t.PartitionKey, always);
                if (t.RowKeyPrefix is not null)
                {
                    Collect(t.RowKeyPrefix, always);
                }

                break;
            case TablePutExpr t:
                Collect(t.PartitionKey, always);
                Collect(t.RowKey, always);
                foreach (var f in t.Fields)
                {
                    Collect(f.Value, always);
                }

                break;
            case TableDeleteExpr t:
                Collect(t.PartitionKey, always);
                Collect(t.RowKey, always);
                break;
            case EnqueueExpr q:
                foreach (var a in q.Args)
                {
                    Collect(a.Value, always);
                }

                break;
        }
    }
}
