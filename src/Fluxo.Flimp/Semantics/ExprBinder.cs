using System.Collections.Immutable;
using Fluxo.Builtins;
using Fluxo.Diagnostics;
using Fluxo.Flimp.Syntax;
using Fluxo.Ir;
using Fluxo.Values;

namespace Fluxo.Flimp.Semantics;

/// <summary>Resolves names and types of one body's expressions. <see cref="FnName"/> is set inside a fn, where only pure operations are allowed.</summary>
internal sealed class ExprBinder(Signatures decls, DiagnosticBag diagnostics, string? fnName)
{
    public string? FnName { get; } = fnName;

    /// <summary>Calls of fns from this body, for the recursion check.</summary>
    public List<(string Callee, SourceSpan Span)> FnCalls { get; } = [];

    public Signatures Decls { get; } = decls;

    public DiagnosticBag Diagnostics { get; } = diagnostics;

    /// <summary>Binds an expression and checks it fits <paramref name="expected"/>, describing it as <paramref name="what"/> on a mismatch.</summary>
    public BoundExpr BindExpecting(ExprSyntax syntax, Scope scope, FlimpType expected, string what)
    {
        var bound = Bind(syntax, scope);
        Expect(bound, expected, what);
        return bound;
    }

    public void Expect(BoundExpr bound, FlimpType expected, string what)
    {
        if (!TypeRules.Fits(bound.Type, expected))
        {
            Diagnostics.Add(Diag.FlimpTypeMismatch(bound.Span, what, expected.ToString(), bound.Type.ToString()));
        }
    }

    public BoundExpr Bind(ExprSyntax syntax, Scope scope) => syntax switch
    {
        LiteralExprSyntax l => new BoundLiteral(l.Value, LiteralType(l.Value), l.Span),
        NameExprSyntax n => Name(n, scope),
        UnaryExprSyntax u => Unary(u, scope),
        BinaryExprSyntax b => Binary(b, scope),
        CoalesceExprSyntax c => Coalesce(c, scope),
        IfExprSyntax i => If(i, scope),
        FieldExprSyntax f => Field(f, scope),
        RecordExprSyntax r => Record(r, scope),
        ListExprSyntax l => List(l, scope),
        CallExprSyntax c => Call(c, scope),
        MapExprSyntax m => Map(m, scope),
        FilterExprSyntax f => Filter(f, scope),
        FoldExprSyntax f => Fold(f, scope),
        GetExprSyntax g => Get(g, scope),
        QueryExprSyntax q => Query(q, scope),
        BlockExprSyntax b => Block(b, scope),
        _ => throw new InvalidOperationException("unknown expression"),
    };

    private static FlimpType LiteralType(Value v) => v.Kind switch
    {
        ValueKind.Int => FlimpType.Int,
        ValueKind.Float => FlimpType.Float,
        ValueKind.String => FlimpType.String,
        ValueKind.Bool => FlimpType.Bool,
        _ => FlimpType.None,
    };

    private BoundExpr Name(NameExprSyntax n, Scope scope)
    {
        if (scope.Lookup(n.Name) is { } entry)
        {
            entry.Symbol.Used = true;
            return new BoundVar(entry.Symbol, entry.Type, n.Span);
        }

        Diagnostics.Add(Diag.FlimpUndeclaredName(n.Span, n.Name));
        return Error(n.Span);
    }

    private static BoundLiteral Error(SourceSpan span) => new(Value.Null, FlimpType.Error, span);

    private BoundExpr Unary(UnaryExprSyntax u, Scope scope)
    {
        var operand = Bind(u.Operand, scope);
        var ok = operand.Type.IsError || (u.Operator == "-" ? operand.Type.IsNumeric : operand.Type == FlimpType.Bool);
        if (!ok)
        {
            Diagnostics.Add(Diag.FlimpUnaryOperatorType(u.Span, u.Operator, operand.Type.ToString()));
        }

        return new BoundUnary(u.Operator, operand, ok ? operand.Type : FlimpType.Error, u.Span);
    }

    private BoundExpr Binary(BinaryExprSyntax b, Scope scope)
    {
        var left = Bind(b.Left, scope);
        // `a && b`: b is only evaluated when a holds, so a's none checks narrow b.
        var right = Bind(b.Right, b.Operator == "&&" ? Narrowing.WhenTrue(left, scope) : b.Operator == "||" ? Narrowing.WhenFalse(left, scope) : scope);
        var type = BinaryType(b.Operator, left.Type, right.Type);
        if (type is null)
        {
            Diagnostics.Add(Diag.FlimpOperatorTypes(b.Span, b.Operator, left.Type.ToString(), right.Type.ToString()));
        }

        return new BoundBinary(b.Operator, left, right, type ?? FlimpType.Error, b.Span);
    }

    private static FlimpType? BinaryType(string op, FlimpType l, FlimpType r)
    {
        if (l.IsError || r.IsError)
        {
            return op is "==" or "!=" or "<" or "<=" or ">" or ">=" or "&&" or "||" ? FlimpType.Bool : FlimpType.Error;
        }

        return op switch
        {
            "+" when l == FlimpType.String || r == FlimpType.String => Printable(l) && Printable(r) ? FlimpType.String : null,
            "+" or "-" or "*" or "/" or "%" when l.IsNumeric && r.IsNumeric => l == FlimpType.Int && r == FlimpType.Int ? FlimpType.Int : FlimpType.Float,
            "<" or "<=" or ">" or ">=" when (l.IsNumeric && r.IsNumeric) || (l == FlimpType.String && r == FlimpType.String) => FlimpType.Bool,
            "==" or "!=" when TypeRules.Comparable(l, r) => FlimpType.Bool,
            "&&" or "||" when l == FlimpType.Bool && r == FlimpType.Bool => FlimpType.Bool,
            _ => null,
        };
    }

    // String concatenation takes primitives; optionals and records would print oddly.
    private static bool Printable(FlimpType t) => t is PrimType && t != FlimpType.Unit && t != FlimpType.None;

    private BoundExpr Coalesce(CoalesceExprSyntax c, Scope scope)
    {
        var left = Bind(c.Left, scope);
        var right = Bind(c.Right, scope);
        if (left.Type.IsError)
        {
            return new BoundCoalesce(left, right, right.Type, c.Span);
        }

        if (left.Type is not OptionalType opt)
        {
            if (left.Type != FlimpType.None)
            {
                Diagnostics.Add(Diag.FlimpCoalesceNotOptional(left.Span, left.Type.ToString()));
            }

            return new BoundCoalesce(left, right, left.Type == FlimpType.None ? right.Type : left.Type, c.Span);
        }

        var type = TypeRules.Join(opt.Inner, right.Type);
        if (type is null)
        {
            Diagnostics.Add(Diag.FlimpTypeMismatch(right.Span, "the right side of '??'", opt.Inner.ToString(), right.Type.ToString()));
        }

        return new BoundCoalesce(left, right, type ?? FlimpType.Error, c.Span);
    }

    private BoundExpr If(IfExprSyntax i, Scope scope)
    {
        var cond = BindExpecting(i.Condition, scope, FlimpType.Bool, "an if condition");
        var then = Bind(i.Then, Narrowing.WhenTrue(cond, scope));
        var els = Bind(i.Else, Narrowing.WhenFalse(cond, scope));
        var type = TypeRules.Join(then.Type, els.Type);
        if (type is null)
        {
            Diagnostics.Add(Diag.FlimpBranchesDisagree(i.Span, then.Type.ToString(), els.Type.ToString()));
        }

        return new BoundIf(cond, then, els, type ?? FlimpType.Error, i.Span);
    }

    private BoundExpr Field(FieldExprSyntax f, Scope scope)
    {
        var target = Bind(f.Target, scope);
        switch (target.Type)
        {
            case var t when t.IsError:
                return new BoundField(target, f.Field, FlimpType.Error, f.Span);
            case RecordType r when r.FieldType(f.Field) is { } ft:
                return new BoundField(target, f.Field, ft, f.Span);
            case RecordType r:
                Diagnostics.Add(Diag.FlimpNoSuchField(f.Span, r.ToString(), f.Field));
                break;
            case OptionalType or PrimType { Name: "none" }:
                Diagnostics.Add(Diag.FlimpFieldOfOptional(f.Span, target.Type.ToString(), f.Field));
                break;
            default:
                Diagnostics.Add(Diag.FlimpFieldOfNonRecord(f.Span, target.Type.ToString(), f.Field));
                break;
        }

        return new BoundField(target, f.Field, FlimpType.Error, f.Span);
    }

    public BoundRecord Record(RecordExprSyntax r, Scope scope)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var fields = ImmutableArray.CreateBuilder<(string, BoundExpr)>();
        foreach (var f in r.Fields)
        {
            var value = Bind(f.Value, scope);
            if (!seen.Add(f.Name))
            {
                Diagnostics.Add(Diag.FlimpDuplicateField(f.NameSpan, f.Name));
                continue;
            }

            fields.Add((f.Name, value));
        }

        var built = fields.ToImmutable();
        return new BoundRecord(null, built, new RecordType(null, [.. built.Select(f => (f.Item1, f.Item2.Type))]), r.Span);
    }

    private BoundExpr List(ListExprSyntax l, Scope scope)
    {
        var items = l.Items.Select(i => Bind(i, scope)).ToImmutableArray();
        FlimpType element = FlimpType.Nothing;
        foreach (var item in items)
        {
            var joined = TypeRules.Join(element, item.Type);
            if (joined is null)
            {
                Diagnostics.Add(Diag.FlimpTypeMismatch(item.Span, "a list item", element.ToString(), item.Type.ToString()));
                continue;
            }

            element = joined;
        }

        return new BoundList(items, new ListType(element), l.Span);
    }

    private BoundExpr Call(CallExprSyntax c, Scope scope)
    {
        var args = c.Args.Select(a => Bind(a, scope)).ToImmutableArray();
        if (Decls.Fns.TryGetValue(c.Name, out var fn))
        {
            FnCalls.Add((c.Name, c.NameSpan));
            CheckArgs(c, fn.Params, args);
            // A fn's determinism depends on its body; lowering fills it in once every fn is bound.
            return new BoundCall(CallKind.Fn, c.Name, args, true, true, fn.ReturnType, c.Span);
        }

        if (Decls.Externs.TryGetValue(c.Name, out var ext))
        {
            if (FnName is not null)
            {
                Diagnostics.Add(Diag.FlimpExternInFn(c.NameSpan, FnName, c.Name));
            }

            if (_lambdaDepth > 0 && !ext.Decl.SideEffectFree)
            {
                Diagnostics.Add(Diag.FlimpEffectInLambda(c.NameSpan, c.Name));
            }

            CheckArgs(c, ext.Params, args);
            return new BoundCall(CallKind.Extern, c.Name, args, ext.Decl.Deterministic, ext.Decl.SideEffectFree, ext.ReturnType, c.Span);
        }

        if (BuiltinCatalog.Find(c.Name) is { } builtin)
        {
            var type = BuiltinSignature.Check(this, c, builtin, args);
            BuiltinSignature.CheckLimit(this, c, builtin, args);
            return new BoundCall(CallKind.Builtin, c.Name, args, builtin.Deterministic, true, type, c.Span);
        }

        if (Decls.Handlers.ContainsKey(c.Name))
        {
            Diagnostics.Add(Diag.FlimpCallHandler(c.NameSpan, c.Name));
        }
        else if (scope.Lookup(c.Name) is not null)
        {
            Diagnostics.Add(Diag.FlimpNotCallable(c.NameSpan, c.Name));
        }
        else
        {
            Diagnostics.Add(Diag.FlimpUnknownFunction(c.NameSpan, c.Name));
        }

        return Error(c.Span);
    }

    private void CheckArgs(CallExprSyntax c, ImmutableArray<BoundParam> ps, ImmutableArray<BoundExpr> args)
    {
        if (ps.Length != args.Length)
        {
            Diagnostics.Add(Diag.FlimpArgumentCount(c.NameSpan, c.Name, ps.Length, args.Length));
            return;
        }

        for (var i = 0; i < ps.Length; i++)
        {
            Expect(args[i], ps[i].Type, $"argument '{ps[i].Name}' of '{c.Name}'");
        }
    }

    private FlimpType ElementOf(BoundExpr list, string op)
    {
        switch (list.Type)
        {
            case ListType l:
                return l.Element;
            case var t when t.IsError:
                return FlimpType.Error;
            default:
                Diagnostics.Add(Diag.FlimpNotAList(list.Span, op, list.Type.ToString()));
                return FlimpType.Error;
        }
    }

    // Lambda bodies run once per item inside one node, so an effect there would repeat unseen by every analysis.
    private int _lambdaDepth;

    private BoundExpr Lambda(ExprSyntax body, Scope scope)
    {
        _lambdaDepth++;
        try
        {
            return Bind(body, scope);
        }
        finally
        {
            _lambdaDepth--;
        }
    }

    private BoundExpr Lambda(ExprSyntax body, Scope scope, FlimpType expected, string what)
    {
        var bound = Lambda(body, scope);
        Expect(bound, expected, what);
        return bound;
    }

    private BoundExpr Block(BlockExprSyntax b, Scope scope)
    {
        var lets = new List<(VarSymbol Symbol, BoundExpr Value)>();
        var inner = scope;
        foreach (var let in b.Lets)
        {
            var declared = let.Type is null ? null : Decls.Type(let.Type);
            var value = declared is null ? Bind(let.Value, inner) : BindExpecting(let.Value, inner, declared, $"the value of '{let.Name}'");
            var type = declared ?? value.Type;
            if (declared is null && (type == FlimpType.None || TypeRules.ContainsNothing(type)))
            {
                Diagnostics.Add(Diag.FlimpNoneNeedsType(let.NameSpan, let.Name));
                type = FlimpType.Error;
            }

            if (inner.Lookup(let.Name) is { } previous)
            {
                Diagnostics.Add(Diag.FlimpAlreadyDefined(let.NameSpan, let.Name, previous.Symbol.Span.Line));
            }

            var symbol = new VarSymbol(let.Name, VarKind.Local, type, let.NameSpan);
            inner = new Scope(inner);
            inner.Define(symbol);
            lets.Add((symbol, value));
        }

        BoundExpr result = Bind(b.Result, inner);
        foreach (var (symbol, value) in Enumerable.Reverse(lets))
        {
            if (!symbol.Used)
            {
                Diagnostics.Add(Diag.FlimpUnusedLet(symbol.Span, symbol.Name));
            }

            result = new BoundLetIn(symbol, value, result, result.Type, b.Span);
        }

        return result;
    }

    private VarSymbol Local(string name, FlimpType type, SourceSpan span, Scope scope)
    {
        if (scope.Lookup(name) is { } previous)
        {
            Diagnostics.Add(Diag.FlimpAlreadyDefined(span, name, previous.Symbol.Span.Line));
        }

        // Lambda parameters are always read by their body or deliberately ignored.
        return new VarSymbol(name, VarKind.Local, type, span) { Used = true };
    }

    private BoundExpr Map(MapExprSyntax m, Scope scope)
    {
        var list = Bind(m.List, scope);
        var v = Local(m.Var, ElementOf(list, "map"), m.VarSpan, scope);
        var inner = new Scope(scope);
        inner.Define(v);
        var body = Lambda(m.Body, inner);
        return new BoundMap(list, v, body, new ListType(body.Type), m.Span);
    }

    private BoundExpr Filter(FilterExprSyntax f, Scope scope)
    {
        var list = Bind(f.List, scope);
        var v = Local(f.Var, ElementOf(list, "filter"), f.VarSpan, scope);
        var inner = new Scope(scope);
        inner.Define(v);
        var body = Lambda(f.Body, inner, FlimpType.Bool, "a filter condition");
        return new BoundFilter(list, v, body, list.Type.IsError ? FlimpType.Error : list.Type, f.Span);
    }

    private BoundExpr Fold(FoldExprSyntax f, Scope scope)
    {
        var list = Bind(f.List, scope);
        var init = Bind(f.Init, scope);
        var element = ElementOf(list, "fold");
        var accType = init.Type;
        if (TypeRules.ContainsNothing(accType) || accType == FlimpType.None)
        {
            // `fold(xs, [], ...)`: the accumulator's type comes from what the body builds.
            accType = TypeRules.Join(accType, BindSilently(f, scope, accType, element)) ?? accType;
        }

        var acc = Local(f.Acc, accType, f.VarSpan, scope);
        var v = Local(f.Var, element, f.VarSpan, scope);
        var inner = new Scope(scope);
        inner.Define(acc);
        inner.Define(v);
        var body = Lambda(f.Body, inner, accType, "the fold body");
        return new BoundFold(list, init, acc, v, body, accType, f.Span);
    }

    private FlimpType BindSilently(FoldExprSyntax f, Scope scope, FlimpType accType, FlimpType element)
    {
        var probe = new ExprBinder(Decls, new DiagnosticBag(), FnName);
        var inner = new Scope(scope);
        inner.Define(new VarSymbol(f.Acc, VarKind.Local, accType, f.VarSpan));
        inner.Define(new VarSymbol(f.Var, VarKind.Local, element, f.VarSpan));
        return probe.Bind(f.Body, inner).Type;
    }

    public TableSig? Table(string name, SourceSpan span, string op)
    {
        if (FnName is not null)
        {
            Diagnostics.Add(Diag.FlimpTableInFn(span, FnName, op));
        }

        if (Decls.Tables.TryGetValue(name, out var table))
        {
            return table;
        }

        Diagnostics.Add(Diag.FlimpUnknownTable(span, name));
        return null;
    }

    public (BoundExpr Pk, BoundExpr Rk) Keys(TableSig? table, ExprSyntax pk, ExprSyntax rk, Scope scope) =>
        (BindExpecting(pk, scope, table?.PartitionKey.Type ?? FlimpType.Error, $"the partition key '{table?.PartitionKey.Name}'"),
         BindExpecting(rk, scope, table?.RowKey.Type ?? FlimpType.Error, $"the row key '{table?.RowKey.Name}'"));

    private BoundExpr Get(GetExprSyntax g, Scope scope)
    {
        var table = Table(g.Table, g.TableSpan, "get");
        var (pk, rk) = Keys(table, g.PartitionKey, g.RowKey, scope);
        return new BoundGet(g.Table, pk, rk, table is null ? FlimpType.Error : new OptionalType(table.Row), g.Span);
    }

    private BoundExpr Query(QueryExprSyntax q, Scope scope)
    {
        var table = Table(q.Table, q.TableSpan, "query");
        var pk = BindExpecting(q.PartitionKey, scope, table?.PartitionKey.Type ?? FlimpType.Error, $"the partition key '{table?.PartitionKey.Name}'");
        var prefix = q.Prefix is null ? null : BindExpecting(q.Prefix, scope, FlimpType.String, "a row key prefix");
        return new BoundQuery(q.Table, pk, prefix, table is null ? FlimpType.Error : new ListType(table.Row), q.Span);
    }
}
