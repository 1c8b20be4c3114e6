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
            case null:
                break;
            case InputExpr i:
                s.Add(i.Index);
                break;
            case BinaryExpr { Operator: "&&" or "||" } b:
                Add(b.Left, s);
                break;
            case IfExpr i:
                // An input both branches read is read whichever is taken.
                Add(i.Condition, s);
                var both = Of(i.Then);
                both.IntersectWith(Of(i.Else));
                s.UnionWith(both);
                break;

            // A lambda's body runs once per element, so not at all for an empty list.
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
            default:
                foreach (var child in ExprTree.Children(e))
                {
                    Add(child, s);
                }

                break;
        }
    }
}
