using System.Collections.Immutable;
using Fluxo.Diagnostics;
using Fluxo.Flimp.Syntax;

namespace Fluxo.Flimp.Semantics;

/// <summary>Syntax tree to checked program: declarations, then fn bodies, then handler bodies, then the call-graph restrictions.</summary>
public static class Binder
{
    public static BoundProgram Bind(ProgramSyntax program, DiagnosticBag diagnostics)
    {
        var decls = new Signatures(program, diagnostics);
        var fnCalls = new Dictionary<string, List<(string, SourceSpan)>>(StringComparer.Ordinal);
        var enqueues = new Dictionary<string, List<(string, SourceSpan)>>(StringComparer.Ordinal);

        var fns = ImmutableArray.CreateBuilder<BoundFn>();
        foreach (var fn in decls.Fns.Values.OrderBy(f => f.Syntax.Span.Line).ThenBy(f => f.Syntax.Span.Column))
        {
            var exprs = new ExprBinder(decls, diagnostics, fn.Name);
            var scope = ParamScope(fn.Syntax.Params, fn.Params, VarKind.Local, diagnostics);
            var body = new BodyBinder(exprs, "fn", fn.Name, fn.ReturnType);
            var (stmts, ret) = body.Bind(fn.Syntax.Body, scope, fn.Syntax.NameSpan);
            fnCalls[fn.Name] = exprs.FnCalls;
            fns.Add(new BoundFn(
                fn.Name, fn.Params, fn.ReturnType, [.. stmts.OfType<BoundLet>()], ret?.Value ?? new BoundLiteral(Values.Value.Null, FlimpType.Error, fn.Syntax.Span), fn.Syntax.Span));
        }

        var handlers = ImmutableArray.CreateBuilder<BoundHandler>();
        foreach (var h in decls.Handlers.Values.OrderBy(h => h.Syntax.Span.Line).ThenBy(h => h.Syntax.Span.Column))
        {
            var exprs = new ExprBinder(decls, diagnostics, null);
            var scope = ParamScope(h.Syntax.Params, h.Params, VarKind.Request, diagnostics);
            var body = new BodyBinder(exprs, "handler", h.Name, h.ReturnType);
            var (stmts, _) = body.Bind(h.Syntax.Body, scope, h.Syntax.NameSpan);
            enqueues[h.Name] = body.Enqueues;
            handlers.Add(new BoundHandler(h.Name, h.Params, h.ReturnType, stmts, h.Syntax.Span, h.Syntax.Internal));
        }

        CycleCheck.Report([.. fnCalls.Keys], fnCalls, Diag.FlimpRecursion, diagnostics);
        CycleCheck.Report([.. enqueues.Keys], enqueues, Diag.FlimpEnqueueCycle, diagnostics);

        return new BoundProgram(
            program.Service,
            [.. decls.RecordDecls],
            [.. decls.Externs.Values.Select(e => e.Decl).OrderBy(e => e.Span.Line)],
            [.. decls.Tables.Values.Select(t => t.Decl).OrderBy(t => t.Span.Line)],
            fns.ToImmutable(),
            handlers.ToImmutable());
    }

    private static Scope ParamScope(ImmutableArray<ParamSyntax> syntax, ImmutableArray<BoundParam> ps, VarKind kind, DiagnosticBag diagnostics)
    {
        var scope = new Scope(null);
        foreach (var p in ps)
        {
            var span = syntax.First(s => s.Name == p.Name).Span;
            // Parameters are part of the interface, so an unused one is not worth a warning.
            scope.Define(new VarSymbol(p.Name, kind, p.Type, span) { Used = true });
        }

        return scope;
    }
}
