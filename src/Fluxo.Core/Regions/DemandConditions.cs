using System.Text.Json;
using Fluxo.Builtins;
using Fluxo.Ir;

namespace Fluxo.Regions;

/// <summary>
/// Under which branch decisions each node of a graph is demanded and each of its inputs pulled. Evaluation is lazy
/// from the Sink: an If pulls only the arm it takes, a guarded node reads its body's inputs only when its guard holds,
/// the right of <c>&amp;&amp;</c>/<c>||</c> only when the left does not decide. A branch decision is a
/// <see cref="BranchLiteral"/> over the values the test reads, named by the node (and field) they come from, so a
/// guard <c>existing == none</c> and an If on the same test agree. This is what lets a cache sit inside one arm: it is
/// entered only when that arm is taken, and its key needs only what the arm reads then (<see cref="CachedRegion"/>).
/// </summary>
public sealed class DemandConditions
{
    private readonly Graph _graph;
    private readonly BranchCondition[][] _pull;
    private readonly BranchCondition[] _demanded;
    private readonly BranchLiteral?[] _guard;
    private int _opaque;

    public DemandConditions(Graph graph)
    {
        _graph = graph;
        var n = graph.Nodes.Length;
        _pull = new BranchCondition[n][];
        _guard = new BranchLiteral?[n];
        for (var v = 0; v < n; v++)
        {
            var node = graph.Nodes[v];
            _guard[v] = node.Guard is null ? null : Literal(node, node.Guard, "guard");
            _pull[v] = [.. Enumerable.Range(0, node.Inputs.Length).Select(i => LocalPull(node, i))];
        }

        // Ids are topological, so every consumer's condition is final before its inputs are visited.
        _demanded = new BranchCondition[n];
        var consumers = graph.Consumers();
        for (var v = n - 1; v >= 0; v--)
        {
            var d = v == graph.SinkId ? BranchCondition.Always : BranchCondition.Never;
            foreach (var c in consumers[v])
            {
                var inputs = graph.Nodes[c].Inputs;
                for (var i = 0; i < inputs.Length; i++)
                {
                    if (inputs[i].From == v)
                    {
                        d = d.Or(Pulled(c, i));
                    }
                }
            }

            _demanded[v] = d;
        }
    }

    /// <summary>When node <paramref name="node"/> is demanded (evaluated, or its guard tested).</summary>
    public BranchCondition Demanded(int node) => _demanded[node];

    /// <summary>When node <paramref name="to"/> reads its input <paramref name="input"/>: it is demanded and that input is pulled.</summary>
    public BranchCondition Pulled(int to, int input) => _demanded[to].And(_pull[to][input]);

    /// <summary>When a request enters the subgraph of <paramref name="nodes"/>: a node outside it reads one of them.</summary>
    public BranchCondition Entered(IEnumerable<int> nodes)
    {
        var inside = nodes.ToHashSet();
        var entered = BranchCondition.Never;
        foreach (var c in _graph.Nodes.Where(c => !inside.Contains(c.Id)))
        {
            for (var i = 0; i < c.Inputs.Length; i++)
            {
                if (inside.Contains(c.Inputs[i].From))
                {
                    entered = entered.Or(Pulled(c.Id, i));
                }
            }
        }

        return entered;
    }

    /// <summary>
    /// True when <paramref name="node"/>'s input <paramref name="input"/> is read by its guard only and
    /// <paramref name="when"/> implies the guard holds: under that condition the input's value decides nothing.
    /// </summary>
    public bool OnlyTestsAGuardThatHolds(int node, int input, BranchCondition when)
    {
        var n = _graph.Nodes[node];
        return _guard[node] is { } g && n.Expr is not null && Pull(n, n.Expr, input).IsNever && when.Implies(BranchCondition.When(g));
    }

    private BranchCondition LocalPull(Node node, int input)
    {
        // The Sink waits for every input (the response and each side effect); a node without an Expr (the Source, a
        // pipe module) reads everything it is given.
        if (node.Id == _graph.SinkId || (node.Expr is null && node.Guard is null))
        {
            return BranchCondition.Always;
        }

        var body = Pull(node, node.Expr, input);
        if (node.Guard is null)
        {
            return body;
        }

        return Pull(node, node.Guard, input).Or(BranchCondition.When(_guard[node.Id]!.Value).And(body));
    }

    /// <summary>When evaluating <paramref name="e"/> (an expression of <paramref name="node"/>) reads input <paramref name="input"/>.</summary>
    private BranchCondition Pull(Node node, Expr? e, int input)
    {
        switch (e)
        {
            case null:
                return BranchCondition.Never;
            case InputExpr x:
                return x.Index == input ? BranchCondition.Always : BranchCondition.Never;
            case BinaryExpr { Operator: "&&" or "||" } b:
                var right = Pull(node, b.Right, input);
                var left = Pull(node, b.Left, input);
                return right.IsNever ? left : left.Or(When(node, b.Left, b.Operator == "&&").And(right));
            case IfExpr i:
                var then = Pull(node, i.Then, input);
                var otherwise = Pull(node, i.Else, input);
                var cond = Pull(node, i.Condition, input);
                return then.IsNever && otherwise.IsNever
                    ? cond
                    : cond.Or(When(node, i.Condition, true).And(then)).Or(When(node, i.Condition, false).And(otherwise));
            case MapExpr or FilterExpr or FoldExpr:
                // A lambda's body runs once per element: not for an empty list, and its tests are per element, so
                // what it reads depends on nothing this analysis can name.
                var (list, init, lambda) = e switch
                {
                    MapExpr m => (m.List, (Expr?)null, m.Body),
                    FilterExpr f => (f.List, null, f.Body),
                    FoldExpr f => (f.List, f.Init, f.Body),
                    _ => throw new InvalidOperationException(),
                };
                var outer = Pull(node, list, input).Or(Pull(node, init, input));
                return Pull(node, lambda, input).IsNever ? outer : outer.Or(Opaque(node, "lambda@" + input));
            default:
                var any = BranchCondition.Never;
                foreach (var child in ExprTree.Children(e))
                {
                    any = any.Or(Pull(node, child, input));
                }

                return any;
        }
    }

    private BranchCondition When(Node node, Expr test, bool holds)
    {
        var literal = Literal(node, test, "test" + _opaque++);
        return BranchCondition.When(holds ? literal : literal.Negated);
    }

    private BranchCondition Opaque(Node node, string what) => BranchCondition.When(new BranchLiteral($"?{node.Id}:{what}{_opaque++}", true));

    /// <summary>
    /// The literal that <paramref name="test"/> holds, named by what it computes from which values: <c>!t</c> is t failing.
    /// A test that may differ between two evaluations on the same values (a clock, randomness, a let's or lambda's
    /// variable whose meaning is local) is opaque: a literal no other test shares.
    /// </summary>
    private static BranchLiteral Literal(Node node, Expr test, string place)
    {
        var holds = true;
        while (test is UnaryExpr { Operator: "!" } not)
        {
            test = not.Operand;
            holds = !holds;
        }

        var local = ExprTree.Walk(test).Any(x => x is VarExpr or LetExpr
            || (x is CallExpr { Kind: CallKind.Builtin } c && BuiltinCatalog.Find(c.Name) is not { Deterministic: true })
            || x is CallExpr { Kind: CallKind.Extern });
        if (local)
        {
            return new BranchLiteral($"?{node.Id}:{place}", holds);
        }

        var named = ExprTree.Rewrite(test, x => x is InputExpr i && i.Index >= 0 && i.Index < node.Inputs.Length
            ? new VarExpr("@" + node.Inputs[i.Index].From + (node.Inputs[i.Index].Field is { } f ? "." + f : ""))
            : null);
        return new BranchLiteral(JsonSerializer.Serialize(named, IrJson.Options), holds);
    }
}
