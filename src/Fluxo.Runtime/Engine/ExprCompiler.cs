using System.Collections.Immutable;
using Fluxo.Builtins;
using Fluxo.Ir;
using Fluxo.Values;

namespace Fluxo.Runtime.Engine;

/// <summary>The IR cannot run as written (unknown fn, extern without binding, unbound variable): reported as a diagnostic at engine creation.</summary>
internal sealed class CompileException(string message) : Exception(message);

/// <summary>A fn body compiled once per engine; calls allocate a fresh frame of <see cref="Slots"/> locals.</summary>
internal sealed record CompiledFn(FnDecl Decl, Evaluator Body, int Slots, int[] ParamSlots);

/// <summary>Turns one node's (or fn's) expression into delegates: variables become slots, operators direct calls.</summary>
internal sealed class ExprCompiler
{
    private readonly EngineContext _ctx;
    private readonly HashSet<int> _ready;
    private int _slots;

    public ExprCompiler(EngineContext ctx, HashSet<int> readyInputs)
    {
        _ctx = ctx;
        _ready = readyInputs;
    }

    public int Slots => _slots;

    public int NewSlot() => _slots++;

    public Evaluator Compile(Expr e, ImmutableDictionary<string, int> scope) => e switch
    {
        LitExpr l => Const(l.Value),
        InputExpr i => InputOf(i.Index),
        VarExpr v => scope.TryGetValue(v.Name, out var slot)
            ? Evaluator.Of(f => f.Locals[slot])
            : throw new CompileException($"variable '{v.Name}' is not bound"),
        UnaryExpr u => Unary(u.Operator, Compile(u.Operand, scope)),
        BinaryExpr { Operator: "&&" or "||" } b => ShortCircuit(b.Operator == "&&", Compile(b.Left, scope), Compile(b.Right, scope)),
        BinaryExpr b => Binary(b.Operator, Compile(b.Left, scope), Compile(b.Right, scope)),
        IfExpr i => If(Compile(i.Condition, scope), Compile(i.Then, scope), Compile(i.Else, scope)),
        LetExpr l => Let(l, scope),
        CallExpr c => Call(c, scope),
        RecordExpr r => Record(r.Fields, scope),
        FieldExpr fe => Field(Compile(fe.Target, scope), fe.Field),
        ListExpr l => Nary([.. l.Items.Select(x => Compile(x, scope))], (_, a) => Value.List(ImmutableArray.Create(a))),
        MapExpr m => Map(m, scope),
        FilterExpr fl => Filter(fl, scope),
        FoldExpr fo => Fold(fo, scope),
        TableGetExpr t => TableOp(t.Table, [Compile(t.PartitionKey, scope), Compile(t.RowKey, scope)], (f, d, a) => f.Run.Calls.TableGetAsync(f, d, a[0], a[1])),
        TableQueryExpr t => TableOp(t.Table, [Compile(t.PartitionKey, scope), t.RowKeyPrefix is null ? Const(Value.Null) : Compile(t.RowKeyPrefix, scope)], (f, d, a) => f.Run.Calls.TableQueryAsync(f, d, a[0], a[1])),
        TablePutExpr t => TablePut(t, scope),
        TableDeleteExpr t => TableOp(t.Table, [Compile(t.PartitionKey, scope), Compile(t.RowKey, scope)], (f, d, a) => f.Run.Calls.TableDeleteAsync(f, d, a[0], a[1])),
        EnqueueExpr q => Enqueue(q, scope),
        _ => throw new CompileException($"expression '{e.GetType().Name}' is not supported"),
    };

    private static Evaluator Const(Value v) => Evaluator.Of(_ => v);

    private Evaluator InputOf(int i) => _ready.Contains(i)
        ? Evaluator.Of(f => f.Inputs[i]!)
        : Evaluator.OfAsync(f => f.Input(i));

    private static Evaluator Unary(string op, Evaluator o) => o.Sync is { } s
        ? Evaluator.Of(f => Operators.Unary(op, s(f)))
        : Evaluator.OfAsync(async f => Operators.Unary(op, await o.Async!(f)));

    private static Evaluator Binary(string op, Evaluator l, Evaluator r) => l.Sync is { } ls && r.Sync is { } rs
        ? Evaluator.Of(f => Operators.Binary(op, ls(f), rs(f)))
        : Evaluator.OfAsync(async f => Operators.Binary(op, await l.Eval(f), await r.Eval(f)));

    private static bool Truth(Value v, string what) => v.Kind == ValueKind.Bool
        ? v.AsBool
        : throw new FlimpRuntimeException($"{what} must be a bool, not {(v.IsNull ? "none" : v.Kind.ToString().ToLowerInvariant())}");

    private static Evaluator ShortCircuit(bool isAnd, Evaluator l, Evaluator r)
    {
        var op = isAnd ? "&&" : "||";
        if (l.Sync is { } ls && r.Sync is { } rs)
        {
            return Evaluator.Of(f => Truth(ls(f), op) == isAnd ? Value.Bool(Truth(rs(f), op)) : Value.Bool(!isAnd));
        }

        return Evaluator.OfAsync(async f => Truth(await l.Eval(f), op) == isAnd ? Value.Bool(Truth(await r.Eval(f), op)) : Value.Bool(!isAnd));
    }

    private static Evaluator If(Evaluator c, Evaluator t, Evaluator e)
    {
        if (c.Sync is { } cs && t.Sync is { } ts && e.Sync is { } es)
        {
            return Evaluator.Of(f => Truth(cs(f), "an if condition") ? ts(f) : es(f));
        }

        return Evaluator.OfAsync(async f => Truth(await c.Eval(f), "an if condition") ? await t.Eval(f) : await e.Eval(f));
    }

    private Evaluator Let(LetExpr l, ImmutableDictionary<string, int> scope)
    {
        var value = Compile(l.Value, scope);
        var slot = NewSlot();
        var body = Compile(l.Body, scope.SetItem(l.Name, slot));
        if (value.Sync is { } vs && body.Sync is { } bs)
        {
            return Evaluator.Of(f =>
            {
                f.Locals[slot] = vs(f);
                return bs(f);
            });
        }

        return Evaluator.OfAsync(async f =>
        {
            f.Locals[slot] = await value.Eval(f);
            return await body.Eval(f);
        });
    }

    private Evaluator Call(CallExpr c, ImmutableDictionary<string, int> scope)
    {
        var args = c.Args.Select(a => Compile(a, scope)).ToArray();
        switch (c.Kind)
        {
            case CallKind.Builtin:
                {
                    var info = BuiltinCatalog.Find(c.Name) ?? throw new CompileException($"builtin '{c.Name}' does not exist");
                    return Nary(args, (f, a) =>
                    {
                        f.SelfMs += info.CostMs;
                        return info.Invoke(f.Run.Calls, a);
                    });
                }

            case CallKind.Fn:
                {
                    var fn = _ctx.Function(c.Name);
                    if (fn.Body.Sync is { } body)
                    {
                        return Nary(args, (f, a) =>
                        {
                            var child = Enter(f, fn, a);
                            var v = body(child);
                            f.SelfMs += child.SelfMs;
                            return v;
                        });
                    }

                    return NaryAsync(args, async (f, a) =>
                    {
                        var child = Enter(f, fn, a);
                        var v = await fn.Body.Async!(child);
                        f.SelfMs += child.SelfMs;
                        return v;
                    });
                }

            default:
                {
                    var decl = _ctx.Module.FindExtern(c.Name) ?? throw new CompileException($"extern '{c.Name}' is not declared");
                    var binding = _ctx.Binding(c.Name);
                    return NaryAsync(args, (f, a) => f.Run.Calls.CallExternAsync(f, decl, binding, a));
                }
        }
    }

    private static Frame Enter(Frame caller, CompiledFn fn, Value[] args)
    {
        if (args.Length != fn.ParamSlots.Length)
        {
            throw new FlimpRuntimeException($"fn '{fn.Decl.Name}' takes {fn.ParamSlots.Length} arguments, not {args.Length}");
        }

        if (caller.Depth >= Limits.EvaluationLimits.MaxCallDepth)
        {
            throw new FlimpRuntimeException($"fn calls nest more than {Limits.EvaluationLimits.MaxCallDepth} deep (calling '{fn.Decl.Name}')");
        }

        caller.Run.Limit.Step(caller.NodeId);
        var child = new Frame(caller.Run, null, caller.NodeId, [], new Value[fn.Slots]) { Depth = caller.Depth + 1 };
        for (var i = 0; i < args.Length; i++)
        {
            child.Locals[fn.ParamSlots[i]] = args[i];
        }

        return child;
    }

    private Evaluator Record(ImmutableArray<FieldInit> fields, ImmutableDictionary<string, int> scope)
    {
        var names = fields.Select(f => f.Name).ToArray();
        return Nary([.. fields.Select(f => Compile(f.Value, scope))], (_, a) => MakeRecord(names, a));
    }

    private static Value MakeRecord(string[] names, Value[] values)
    {
        var kv = new KeyValuePair<string, Value>[names.Length];
        for (var i = 0; i < names.Length; i++)
        {
            kv[i] = new(names[i], values[i]);
        }

        return Value.Record(ImmutableArray.Create(kv));
    }

    private static Value GetField(Value target, string field)
    {
        if (target.IsNull)
        {
            throw new FlimpRuntimeException($"field '{field}' of none");
        }

        return target.GetField(field) ?? throw new FlimpRuntimeException($"{target.Kind.ToString().ToLowerInvariant()} has no field '{field}'");
    }

    private static Evaluator Field(Evaluator target, string field) => target.Sync is { } s
        ? Evaluator.Of(f => GetField(s(f), field))
        : Evaluator.OfAsync(async f => GetField(await target.Async!(f), field));

    private static ImmutableArray<Value> ListOf(Value v, string what) => v.Kind == ValueKind.List
        ? v.AsList
        : throw new FlimpRuntimeException($"{what} needs a list, not {(v.IsNull ? "none" : v.Kind.ToString().ToLowerInvariant())}");

    private Evaluator Map(MapExpr m, ImmutableDictionary<string, int> scope)
    {
        var list = Compile(m.List, scope);
        var slot = NewSlot();
        var body = Compile(m.Body, scope.SetItem(m.Var, slot));
        if (list.Sync is { } ls && body.Sync is { } bs)
        {
            return Evaluator.Of(f =>
            {
                var items = ListOf(ls(f), "map");
                var b = ImmutableArray.CreateBuilder<Value>(items.Length);
                foreach (var item in items)
                {
                    f.Run.Limit.Step(f.NodeId);
                    f.Locals[slot] = item;
                    b.Add(bs(f));
                }

                return Value.List(b.MoveToImmutable());
            });
        }

        return Evaluator.OfAsync(async f =>
        {
            var items = ListOf(await list.Eval(f), "map");
            var b = ImmutableArray.CreateBuilder<Value>(items.Length);
            foreach (var item in items)
            {
                f.Run.Limit.Step(f.NodeId);
                f.Locals[slot] = item;
                b.Add(await body.Eval(f));
            }

            return Value.List(b.MoveToImmutable());
        });
    }

    private Evaluator Filter(FilterExpr fl, ImmutableDictionary<string, int> scope)
    {
        var list = Compile(fl.List, scope);
        var slot = NewSlot();
        var body = Compile(fl.Body, scope.SetItem(fl.Var, slot));
        return Evaluator.OfAsync(async f =>
        {
            var items = ListOf(await list.Eval(f), "filter");
            var b = ImmutableArray.CreateBuilder<Value>();
            foreach (var item in items)
            {
                f.Run.Limit.Step(f.NodeId);
                f.Locals[slot] = item;
                if (Operators.IsTrue(await body.Eval(f)))
                {
                    b.Add(item);
                }
            }

            return Value.List(b.ToImmutable());
        });
    }

    private Evaluator Fold(FoldExpr fo, ImmutableDictionary<string, int> scope)
    {
        var list = Compile(fo.List, scope);
        var init = Compile(fo.Init, scope);
        var acc = NewSlot();
        var item = NewSlot();
        var body = Compile(fo.Body, scope.SetItem(fo.Acc, acc).SetItem(fo.Var, item));
        return Evaluator.OfAsync(async f =>
        {
            var items = ListOf(await list.Eval(f), "fold");
            var a = await init.Eval(f);
            foreach (var x in items)
            {
                f.Run.Limit.Step(f.NodeId);
                f.Locals[acc] = a;
                f.Locals[item] = x;
                a = await body.Eval(f);
            }

            return a;
        });
    }

    private Evaluator TableOp(string table, Evaluator[] args, Func<Frame, TableDecl, Value[], ValueTask<Value>> op)
    {
        var decl = _ctx.Module.FindTable(table) ?? throw new CompileException($"table '{table}' is not declared");
        return NaryAsync(args, (f, a) => op(f, decl, a));
    }

    private Evaluator TablePut(TablePutExpr t, ImmutableDictionary<string, int> scope)
    {
        var decl = _ctx.Module.FindTable(t.Table) ?? throw new CompileException($"table '{t.Table}' is not declared");
        var names = t.Fields.Select(f => f.Name).ToArray();
        Evaluator[] args = [Compile(t.PartitionKey, scope), Compile(t.RowKey, scope), .. t.Fields.Select(f => Compile(f.Value, scope))];
        return NaryAsync(args, (f, a) => f.Run.Calls.TablePutAsync(f, decl, a[0], a[1], MakeRecord(names, a[2..])));
    }

    private Evaluator Enqueue(EnqueueExpr q, ImmutableDictionary<string, int> scope)
    {
        if (_ctx.Module.FindGraph(q.Handler) is null)
        {
            throw new CompileException($"enqueue names handler '{q.Handler}', which the service does not have");
        }

        var names = q.Args.Select(f => f.Name).ToArray();
        return NaryAsync([.. q.Args.Select(a => Compile(a.Value, scope))], (f, a) => f.Run.Calls.EnqueueAsync(f, q.Handler, MakeRecord(names, a)));
    }

    private static Evaluator Nary(Evaluator[] parts, Func<Frame, Value[], Value> combine)
    {
        if (parts.All(p => p.Sync is not null))
        {
            var s = parts.Select(p => p.Sync!).ToArray();
            return Evaluator.Of(f =>
            {
                var a = new Value[s.Length];
                for (var i = 0; i < s.Length; i++)
                {
                    a[i] = s[i](f);
                }

                return combine(f, a);
            });
        }

        return Evaluator.OfAsync(async f => combine(f, await Args(parts, f)));
    }

    private static Evaluator NaryAsync(Evaluator[] parts, Func<Frame, Value[], ValueTask<Value>> combine) =>
        Evaluator.OfAsync(async f => await combine(f, await Args(parts, f)));

    private static async ValueTask<Value[]> Args(Evaluator[] parts, Frame f)
    {
        var a = new Value[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            a[i] = await parts[i].Eval(f);
        }

        return a;
    }
}
