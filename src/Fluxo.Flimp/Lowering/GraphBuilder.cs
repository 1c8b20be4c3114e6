using System.Collections.Immutable;
using Fluxo.Diagnostics;
using Fluxo.Flimp.Semantics;
using Fluxo.Ir;
using Fluxo.Values;

namespace Fluxo.Flimp.Lowering;

/// <summary>
/// Lowers one handler to its dataflow graph. Nodes are created in source order, inputs before their
/// consumers, so ids are stable and already topological. Every call, table operation and enqueue is a
/// node; operators are fused into the node that consumes them.
/// </summary>
internal sealed class GraphBuilder
{
    private readonly FnProperties _fns;
    private readonly List<Node> _nodes = [];
    private readonly Dictionary<VarSymbol, int> _letNodes = new(ReferenceEqualityComparer.Instance);
    private readonly List<int> _sideEffects = [];
    private Expr? _guard;

    private GraphBuilder(FnProperties fns) => _fns = fns;

    public static Graph Build(BoundHandler handler, FnProperties fns) => new GraphBuilder(fns).Handler(handler);

    private Graph Handler(BoundHandler h)
    {
        var requestType = "{" + string.Join(", ", h.Params.Select(p => $"{p.Name}: {p.Type}")) + "}";
        _nodes.Add(new Node(0, NodeKind.Source, "request", null, [], null, null, requestType, new NodeProps(true, true, true, [], []), h.Span));

        Expr? result = null;
        foreach (var stmt in h.Body)
        {
            if (stmt is BoundReturn ret)
            {
                result = Lower(ret.Value);
            }
            else
            {
                Stmt(stmt);
            }
        }

        var response = result switch
        {
            NodeRefExpr r => r,
            _ => new NodeRefExpr(Add(NodeKind.Compute, "result", null, result ?? new LitExpr(Value.Null), h.ReturnType, h.Span, new NodeEffects()), null),
        };
        ImmutableArray<NodeInput> inputs = [new NodeInput(response.Node, response.Field), .. _sideEffects.Select(id => new NodeInput(id))];
        var sinkId = _nodes.Count;
        _nodes.Add(new Node(sinkId, NodeKind.Sink, "response", null, inputs, new InputExpr(0), null, h.ReturnType.ToString(), Props(inputs, new NodeEffects()), h.Span));

        var graph = new Graph(h.Name, [.. h.Params.Select(p => new Param(p.Name, p.Type.ToString()))], h.ReturnType.ToString(), [.. _nodes], 0, sinkId, "", h.Span, h.Internal);
        return IrJson.WithHash(graph);
    }

    private void Stmt(BoundStmt stmt)
    {
        switch (stmt)
        {
            case BoundLet let:
                Let(let);
                break;
            case BoundPut put:
                var fields = put.Fields.Select(f => new FieldInit(f.Name, Lower(f.Value))).ToImmutableArray();
                Effect(NodeKind.TablePut, $"put {put.Table}", put.Table, new TablePutExpr(put.Table, Lower(put.PartitionKey), Lower(put.RowKey), fields), put.Span, writes: put.Table);
                break;
            case BoundDelete del:
                Effect(NodeKind.TableDelete, $"delete {del.Table}", del.Table, new TableDeleteExpr(del.Table, Lower(del.PartitionKey), Lower(del.RowKey)), del.Span, writes: del.Table);
                break;
            case BoundEnqueue enq:
                var args = enq.Args.Select(a => new FieldInit(a.Name, Lower(a.Value))).ToImmutableArray();
                Effect(NodeKind.Enqueue, $"enqueue {enq.Handler}", enq.Handler, new EnqueueExpr(enq.Handler, args), enq.Span, writes: null);
                break;
            case BoundForEach fe:
                ForEach(fe);
                break;
            case BoundIfStmt ifs:
                var cond = Lower(ifs.Condition);
                var outer = _guard;
                _guard = outer is null ? cond : new BinaryExpr("&&", outer, cond);
                ifs.Then.ToList().ForEach(Stmt);
                var negated = new UnaryExpr("!", cond);
                _guard = outer is null ? negated : new BinaryExpr("&&", outer, negated);
                ifs.Else.ToList().ForEach(Stmt);
                _guard = outer;
                break;
        }
    }

    /// <summary>
    /// A fan-out the runtime, optimizer and back end already understand: one guarded copy of the body per possible
    /// item, copy k running only when the list has more than k items, each effect its own node.
    /// </summary>
    private void ForEach(BoundForEach fe)
    {
        var list = Lower(fe.List);
        if (fe.Checked)
        {
            list = new NodeRefExpr(Add(NodeKind.Builtin, "atMost", "atMost", new CallExpr(CallKind.Builtin, "atMost", [list, new LitExpr(Value.Int(fe.Max))]),
                fe.List.Type, fe.List.Span, new NodeEffects()), null);
        }
        else if (list is not NodeRefExpr { Field: null })
        {
            list = new NodeRefExpr(Add(NodeKind.Compute, fe.Var.Name + " list", null, list, fe.List.Type, fe.List.Span, new NodeEffects()), null);
        }

        var outer = _guard;
        for (var k = 0; k < fe.Max; k++)
        {
            Expr present = new BinaryExpr(">", new CallExpr(CallKind.Builtin, "count", [list]), new LitExpr(Value.Int(k)));
            _guard = outer is null ? present : new BinaryExpr("&&", outer, present);
            _letNodes[fe.Var] = Add(NodeKind.Builtin, $"{fe.Var.Name}[{k}]", "at", new CallExpr(CallKind.Builtin, "at", [list, new LitExpr(Value.Int(k))]),
                fe.Var.Type, fe.Span, new NodeEffects());
            fe.Body.ToList().ForEach(Stmt);
        }

        _guard = outer;
    }

    private void Let(BoundLet let)
    {
        var value = Lower(let.Value);
        // A let that names a call or operation is that node; a let of operators (or a plain copy) is a Compute node.
        if (value is NodeRefExpr { Field: null } r && let.Value is not BoundVar && r.Node == _nodes.Count - 1)
        {
            _letNodes[let.Symbol] = r.Node;
            return;
        }

        _letNodes[let.Symbol] = Add(NodeKind.Compute, let.Symbol.Name, null, value, let.Symbol.Type, let.Span, new NodeEffects());
    }

    private void Effect(NodeKind kind, string label, string target, Expr expr, SourceSpan span, string? writes)
    {
        var effects = new NodeEffects { Deterministic = false, SideEffectFree = false };
        if (writes is not null)
        {
            effects.Writes.Add(writes);
        }

        _sideEffects.Add(Add(kind, label, target, expr, FlimpType.Unit, span, effects));
    }

    /// <summary>Lowers an expression in graph mode: the result is a fragment over node references.</summary>
    private Expr Lower(BoundExpr e) => e switch
    {
        BoundLiteral l => new LitExpr(l.Value),
        BoundVar v => Ref(v.Symbol),
        BoundUnary u => new UnaryExpr(u.Operator, Lower(u.Operand)),
        BoundBinary b => new BinaryExpr(b.Operator, Lower(b.Left), Lower(b.Right)),
        BoundCoalesce c => InlineLowering.Coalesce(Lower(c.Left), Lower(c.Right)),
        BoundIf i => Node(NodeKind.If, "if", null, new IfExpr(Lower(i.Condition), Lower(i.Then), Lower(i.Else)), i, new NodeEffects()),
        BoundField f => new FieldExpr(Lower(f.Target), f.Field),
        BoundRecord r => new RecordExpr(r.TypeName, [.. r.Fields.Select(f => new FieldInit(f.Name, Lower(f.Value)))]),
        BoundList l => new ListExpr([.. l.Items.Select(Lower)]),
        BoundCall c => Call(c),
        BoundMap or BoundFilter or BoundFold => ListOperation(e),
        BoundGet g => Read(NodeKind.TableGet, $"get {g.Table}", g.Table, new TableGetExpr(g.Table, Lower(g.PartitionKey), Lower(g.RowKey)), g),
        BoundQuery q => Read(NodeKind.TableQuery, $"query {q.Table}", q.Table, new TableQueryExpr(q.Table, Lower(q.PartitionKey), q.Prefix is null ? null : Lower(q.Prefix)), q),
        _ => throw new InvalidOperationException($"unknown expression {e.GetType().Name}"),
    };

    private Expr Ref(VarSymbol symbol) => symbol.Kind switch
    {
        VarKind.Request => new NodeRefExpr(0, symbol.Name),
        VarKind.HandlerLet => new NodeRefExpr(_letNodes[symbol], null),
        _ => new VarExpr(symbol.Name),
    };

    private Expr Call(BoundCall c)
    {
        var args = c.Args.Select(Lower).ToImmutableArray();
        var effects = new NodeEffects
        {
            Deterministic = c.Kind == CallKind.Fn ? _fns.IsDeterministic(c.Name) : c.Deterministic,
            SideEffectFree = c.SideEffectFree,
        };
        var kind = c.Kind switch { CallKind.Fn => NodeKind.Fn, CallKind.Extern => NodeKind.Extern, _ => NodeKind.Builtin };
        return Node(kind, c.Name, c.Name, new CallExpr(c.Kind, c.Name, args), c, effects);
    }

    private Expr ListOperation(BoundExpr e)
    {
        var effects = new NodeEffects();
        // The list is computed by the graph; the lambda body runs inside this one node.
        var inline = new InlineLowering(_fns, Ref, effects);
        var (label, expr) = e switch
        {
            BoundMap m => ("map", (Expr)new MapExpr(Lower(m.List), m.Var.Name, inline.Lower(m.Body))),
            BoundFilter f => ("filter", new FilterExpr(Lower(f.List), f.Var.Name, inline.Lower(f.Body))),
            BoundFold f => ("fold", new FoldExpr(Lower(f.List), Lower(f.Init), f.Acc.Name, f.Var.Name, inline.Lower(f.Body))),
            _ => throw new InvalidOperationException("not a list operation"),
        };
        return Node(NodeKind.Compute, label, null, expr, e, effects);
    }

    private Expr Read(NodeKind kind, string label, string table, Expr expr, BoundExpr e)
    {
        var effects = new NodeEffects { Deterministic = false };
        effects.Reads.Add(table);
        return Node(kind, label, table, expr, e, effects);
    }

    private NodeRefExpr Node(NodeKind kind, string label, string? target, Expr expr, BoundExpr e, NodeEffects effects) =>
        new(Add(kind, label, target, expr, e.Type, e.Span, effects), null);

    /// <summary>Adds a node: each distinct reference in its expression and guard becomes one input, in order of appearance.</summary>
    private int Add(NodeKind kind, string label, string? target, Expr expr, FlimpType type, SourceSpan span, NodeEffects effects)
    {
        var inputs = new List<NodeInput>();
        Expr Bind(Expr x) => ExprTree.Rewrite(x, leaf =>
        {
            if (leaf is not NodeRefExpr r)
            {
                return null;
            }

            var input = new NodeInput(r.Node, r.Field);
            var index = inputs.IndexOf(input);
            if (index < 0)
            {
                index = inputs.Count;
                inputs.Add(input);
            }

            return new InputExpr(index);
        });

        var body = Bind(expr);
        var guard = _guard is null ? null : Bind(_guard);
        var id = _nodes.Count;
        ImmutableArray<NodeInput> ins = [.. inputs];
        _nodes.Add(new Node(id, kind, label, target, ins, body, guard, type.ToString(), Props(ins, effects), span));
        return id;
    }

    private NodeProps Props(ImmutableArray<NodeInput> inputs, NodeEffects effects) => new(
        effects.Deterministic,
        effects.SideEffectFree,
        inputs.Any(i => i.From == 0 || _nodes[i.From].Props.DependsOnInput),
        [.. effects.Reads],
        [.. effects.Writes]);
}
