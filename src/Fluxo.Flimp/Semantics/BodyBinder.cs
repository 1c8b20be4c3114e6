using System.Collections.Immutable;
using Fluxo.Diagnostics;
using Fluxo.Flimp.Syntax;
using Fluxo.Ir;

namespace Fluxo.Flimp.Semantics;

/// <summary>Binds the statements of a handler or fn body: single assignment, one final return, effects only in handlers.</summary>
internal sealed class BodyBinder(ExprBinder exprs, string kind, string name, FlimpType returnType)
{
    public List<(string Handler, SourceSpan Span)> Enqueues { get; } = [];

    private readonly List<VarSymbol> _lets = [];

    public (ImmutableArray<BoundStmt> Body, BoundReturn? Return) Bind(ImmutableArray<StmtSyntax> body, Scope scope, SourceSpan declSpan)
    {
        var stmts = Block(body, scope, topLevel: true);
        var ret = stmts.Length > 0 ? stmts[^1] as BoundReturn : null;
        if (ret is null && !(body.Length > 0 && body[^1] is ReturnStmtSyntax))
        {
            exprs.Diagnostics.Add(Diag.FlimpMissingReturn(declSpan, kind, name));
        }

        foreach (var let in _lets.Where(l => !l.Used))
        {
            exprs.Diagnostics.Add(Diag.FlimpUnusedLet(let.Span, let.Name));
        }

        return (stmts, ret);
    }

    private ImmutableArray<BoundStmt> Block(ImmutableArray<StmtSyntax> body, Scope scope, bool topLevel)
    {
        var result = ImmutableArray.CreateBuilder<BoundStmt>();
        for (var i = 0; i < body.Length; i++)
        {
            if (body[i] is ReturnStmtSyntax && (!topLevel || i != body.Length - 1))
            {
                exprs.Diagnostics.Add(Diag.FlimpReturnNotLast(body[i].Span));
            }

            if (Stmt(body[i], scope) is { } bound)
            {
                result.Add(bound);
            }
        }

        return result.ToImmutable();
    }

    private BoundStmt? Stmt(StmtSyntax stmt, Scope scope)
    {
        var fn = exprs.FnName;
        switch (stmt)
        {
            case LetStmtSyntax let:
                return Let(let, scope);
            case ReturnStmtSyntax ret:
                return new BoundReturn(exprs.BindExpecting(ret.Value, scope, returnType, $"the result of {kind} '{name}'"), ret.Span);
            case PutStmtSyntax put:
                return Put(put, scope);
            case DeleteStmtSyntax del:
                var table = exprs.Table(del.Table, del.TableSpan, "delete");
                var (pk, rk) = exprs.Keys(table, del.PartitionKey, del.RowKey, scope);
                return new BoundDelete(del.Table, pk, rk, del.Span);
            case EnqueueStmtSyntax enq:
                if (fn is not null)
                {
                    exprs.Diagnostics.Add(Diag.FlimpEffectInFn(enq.HandlerSpan, fn, "enqueue"));
                }

                return Enqueue(enq, scope);
            case IfStmtSyntax ifs:
                if (fn is not null)
                {
                    exprs.Diagnostics.Add(Diag.FlimpStatementInFn(ifs.Span, fn));
                }

                var cond = exprs.BindExpecting(ifs.Condition, scope, FlimpType.Bool, "an if condition");
                var then = Block(ifs.Then, Narrowing.WhenTrue(cond, scope), topLevel: false);
                var els = Block(ifs.Else, Narrowing.WhenFalse(cond, scope), topLevel: false);
                return new BoundIfStmt(cond, then, els, ifs.Span);
            case ForEachStmtSyntax fe:
                if (fn is not null)
                {
                    exprs.Diagnostics.Add(Diag.FlimpStatementInFn(fe.Span, fn));
                }

                return ForEach(fe, scope);
            case LoopStmtSyntax loop:
                exprs.Diagnostics.Add(Diag.FlimpNoLoops(loop.Span, loop.Keyword));
                return null;
            case AssignStmtSyntax assign:
                exprs.Diagnostics.Add(scope.Lookup(assign.Name) is null
                    ? Diag.FlimpUndeclaredName(assign.Span, assign.Name)
                    : Diag.FlimpReassignment(assign.Span, assign.Name));
                return null;
            default:
                throw new InvalidOperationException("unknown statement");
        }
    }

    private int _forEachDepth;

    private BoundForEach ForEach(ForEachStmtSyntax fe, Scope scope)
    {
        if (_forEachDepth > 0)
        {
            exprs.Diagnostics.Add(Diag.FlimpForEachNested(fe.Span));
        }

        var list = exprs.Bind(fe.List, scope);
        var element = list.Type switch
        {
            ListType l => l.Element,
            var t when t.IsError => FlimpType.Error,
            _ => Report(Diag.FlimpNotAList(list.Span, "for each", list.Type.ToString())),
        };
        var known = KnownBound(list);
        long max;
        if (fe.Max is { } declared)
        {
            max = declared;
            if (declared < 1 || declared > Diag.MaxForEach)
            {
                exprs.Diagnostics.Add(Diag.FlimpForEachBound(fe.MaxSpan!, declared));
            }
        }
        else if (known is { } k)
        {
            max = k;
            if (k > Diag.MaxForEach)
            {
                exprs.Diagnostics.Add(Diag.FlimpForEachBound(list.Span, k));
            }
        }
        else
        {
            max = 0;
            if (!list.Type.IsError)
            {
                exprs.Diagnostics.Add(Diag.FlimpForEachUnbounded(list.Span));
            }
        }

        var item = new VarSymbol(fe.Var, exprs.FnName is null ? VarKind.HandlerLet : VarKind.Local, element, fe.VarSpan) { Used = true };
        if (scope.Lookup(fe.Var) is { } previous)
        {
            exprs.Diagnostics.Add(Diag.FlimpAlreadyDefined(fe.VarSpan, fe.Var, previous.Symbol.Span.Line));
        }

        var inner = new Scope(scope);
        inner.Define(item);
        _forEachDepth++;
        var body = Block(fe.Body, inner, topLevel: false);
        _forEachDepth--;
        var bound = (int)Math.Clamp(max, 0, Diag.MaxForEach);
        return new BoundForEach(item, list, bound, known is not { } sure || sure > bound, body, fe.Span);
    }

    private FlimpType Report(Diagnostic d)
    {
        exprs.Diagnostics.Add(d);
        return FlimpType.Error;
    }

    /// <summary>A length the list can never exceed, when the checker can tell: a list literal, or take/range/atMost with a literal count.</summary>
    private static long? KnownBound(BoundExpr list) => list switch
    {
        BoundList l => l.Items.Length,
        BoundCall { Kind: CallKind.Builtin, Name: "take" or "atMost" } c => BuiltinSignature.LiteralInt(c.Args[1]) is { } n ? Math.Max(0, n) : null,
        BoundCall { Kind: CallKind.Builtin, Name: "range" } c => BuiltinSignature.LiteralInt(c.Args[0]) is { } n ? Math.Max(0, n) : null,
        _ => null,
    };

    private BoundLet Let(LetStmtSyntax let, Scope scope)
    {
        var declared = let.Type is null ? null : exprs.Decls.Type(let.Type);
        var value = declared is null
            ? exprs.Bind(let.Value, scope)
            : exprs.BindExpecting(let.Value, scope, declared, $"the value of '{let.Name}'");
        var type = declared ?? value.Type;
        if (declared is null && (type == FlimpType.None || TypeRules.ContainsNothing(type)))
        {
            exprs.Diagnostics.Add(Diag.FlimpNoneNeedsType(let.NameSpan, let.Name));
            type = FlimpType.Error;
        }

        if (scope.Lookup(let.Name) is { } previous)
        {
            exprs.Diagnostics.Add(Diag.FlimpAlreadyDefined(let.NameSpan, let.Name, previous.Symbol.Span.Line));
        }

        var symbol = new VarSymbol(let.Name, exprs.FnName is null ? VarKind.HandlerLet : VarKind.Local, type, let.NameSpan);
        scope.Define(symbol);
        _lets.Add(symbol);
        return new BoundLet(symbol, value, let.Span);
    }

    private BoundPut? Put(PutStmtSyntax put, Scope scope)
    {
        var table = exprs.Table(put.Table, put.TableSpan, "put");
        var (pk, rk) = exprs.Keys(table, put.PartitionKey, put.RowKey, scope);
        var record = exprs.Record(put.Fields, scope);
        if (table is null)
        {
            return new BoundPut(put.Table, pk, rk, record.Fields, put.Span);
        }

        foreach (var (field, value) in record.Fields)
        {
            var declared = table.Fields.FirstOrDefault(f => f.Name == field);
            if (declared is not null)
            {
                exprs.Expect(value, declared.Type, $"field '{field}' of '{table.Name}'");
            }
            else if (field == table.PartitionKey.Name || field == table.RowKey.Name)
            {
                exprs.Diagnostics.Add(Diag.FlimpKeyFieldInPut(value.Span, table.Name, field));
            }
            else
            {
                exprs.Diagnostics.Add(Diag.FlimpUnknownTableField(value.Span, table.Name, field));
            }
        }

        foreach (var missing in table.Fields.Where(f => record.Fields.All(r => r.Name != f.Name)))
        {
            exprs.Diagnostics.Add(Diag.FlimpMissingTableField(put.Fields.Span, table.Name, missing.Name));
        }

        return new BoundPut(put.Table, pk, rk, record.Fields, put.Span);
    }

    private BoundEnqueue Enqueue(EnqueueStmtSyntax enq, Scope scope)
    {
        var args = enq.Args.Select(a => exprs.Bind(a, scope)).ToImmutableArray();
        if (!exprs.Decls.Handlers.TryGetValue(enq.Handler, out var target))
        {
            exprs.Diagnostics.Add(Diag.FlimpEnqueueTarget(enq.HandlerSpan, enq.Handler));
            return new BoundEnqueue(enq.Handler, [.. args.Select((a, i) => ($"arg{i}", a))], enq.Span);
        }

        Enqueues.Add((enq.Handler, enq.HandlerSpan));
        if (target.Params.Length != args.Length)
        {
            exprs.Diagnostics.Add(Diag.FlimpArgumentCount(enq.HandlerSpan, enq.Handler, target.Params.Length, args.Length));
        }

        var named = ImmutableArray.CreateBuilder<(string, BoundExpr)>();
        for (var i = 0; i < Math.Min(args.Length, target.Params.Length); i++)
        {
            exprs.Expect(args[i], target.Params[i].Type, $"argument '{target.Params[i].Name}' of handler '{enq.Handler}'");
            named.Add((target.Params[i].Name, args[i]));
        }

        return new BoundEnqueue(enq.Handler, named.ToImmutable(), enq.Span);
    }
}
