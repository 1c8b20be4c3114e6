namespace Fluxo.Ir;

/// <summary>
/// The inputs an expression reads on every path. Those are demanded up front and together; the rest
/// (untaken branches, the right of &amp;&amp;/||, lambda bodies) are pulled only when evaluation reaches them.
/// </summary>
public static class Strictness
{
    public static HashSet<int> Of(Expr? e)
    {
        var set = new HashSet<int>();
        Add(e, set);
        return set;
    }

    private static void Add(Expr? e, HashSet<int> s)
    {
        switch (e)
        {
            case null or LitExpr or VarExpr:
                break;
            case InputExpr i:
                s.Add(i.Index);
                break;
            case UnaryExpr u:
                Add(u.Operand, s);
                break;
            case BinaryExpr { Operator: "&&" or "||" } b:
                Add(b.Left, s);
                break;
            case BinaryExpr b:
                Add(b.Left, s);
                Add(b.Right, s);
                break;
            case IfExpr i:
                Add(i.Condition, s);
                var both = Of(i.Then);
                both.IntersectWith(Of(i.Else));
                s.UnionWith(both);
                break;
            case LetExpr l:
                Add(l.Value, s);
                Add(l.Body, s);
                break;
            case CallExpr c:
                All(c.Args, s);
                break;
            case RecordExpr r:
                All(r.Fields.Select(f => f.Value), s);
                break;
            case FieldExpr f:
                Add(f.Target, s);
                break;
            case ListExpr l:
                All(l.Items, s);
                break;
            case MapExpr m:
                Add(m.List, s);
                break;
            case FilterExpr f:
                Add(f.List, s);
                break;
            case FoldExpr f:
                Add(f.List, s);
                Add(f.Init, s);
                break;
            case TableGetExpr t:
                Add(t.PartitionKey, s);
                Add(t.RowKey, s);
                break;
            case TableQueryExpr t:
                Add(t.PartitionKey, s);
                Add(t.RowKeyPrefix, s);
                break;
            case TablePutExpr t:
                Add(t.PartitionKey, s);
                Add(t.RowKey, s);
                All(t.Fields.Select(f => f.Value), s);
                break;
            case TableDeleteExpr t:
                Add(t.PartitionKey, s);
                Add(t.RowKey, s);
                break;
            case EnqueueExpr q:
                All(q.Args.Select(f => f.Value), s);
                break;
        }
    }

    private static void All(IEnumerable<Expr> es, HashSet<int> s)
    {
        foreach (var e in es)
        {
            Add(e, s);
        }
    }
}
