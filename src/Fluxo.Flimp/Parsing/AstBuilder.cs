using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using Antlr4.Runtime;
using Fluxo.Diagnostics;
using Fluxo.Flimp.Syntax;
using Fluxo.Values;
using static Fluxo.Flimp.Generated.FlimpParser;

namespace Fluxo.Flimp.Parsing;

/// <summary>Parse tree to syntax tree. Runs only on trees without syntax errors, so every child is present.</summary>
internal sealed class AstBuilder(string file, DiagnosticBag diagnostics)
{
    public ProgramSyntax Program(ProgramContext ctx)
    {
        var decls = ctx.decl().Select(Decl).ToImmutableArray();
        return new ProgramSyntax(ctx.serviceDecl().name.GetText(), Span(ctx.serviceDecl().name), decls);
    }

    private SourceSpan Span(ParserRuleContext ctx) => Spans.Of(file, ctx);

    private SourceSpan Span(IToken token) => Spans.Of(file, token);

    private DeclSyntax Decl(DeclContext ctx) => ctx switch
    {
        _ when ctx.recordDecl() is { } r => new RecordDeclSyntax(r.name.GetText(), Fields(r.fieldDecl()), Span(r.name), Span(r)),
        _ when ctx.externDecl() is { } e => Extern(e),
        _ when ctx.fnDecl() is { } f => Fn(f),
        _ when ctx.tableDecl() is { } t => new TableDeclSyntax(
            t.name.GetText(),
            new ParamSyntax(t.pk.GetText(), Type(t.pkType), Span(t.pk)),
            new ParamSyntax(t.rk.GetText(), Type(t.rkType), Span(t.rk)),
            Fields(t.fieldDecl()),
            Span(t.name),
            Span(t)),
        _ => Handler(ctx.handlerDecl()),
    };

    private ImmutableArray<ParamSyntax> Fields(FieldDeclContext[] fields) =>
        [.. fields.Select(f => new ParamSyntax(f.name.GetText(), Type(f.typeRef()), Span(f.name)))];

    private ImmutableArray<ParamSyntax> Params(ParamListContext? list) =>
        list is null ? [] : [.. list.param().Select(p => new ParamSyntax(p.name.GetText(), Type(p.typeRef()), Span(p.name)))];

    private ExternDeclSyntax Extern(ExternDeclContext e)
    {
        var props = e.externProp().Select(p => p switch
        {
            DeterministicPropContext => new ExternPropSyntax("deterministic", null, Span(p)),
            SideEffectsPropContext => new ExternPropSyntax("sideeffects", null, Span(p)),
            LatencyPropContext l => new ExternPropSyntax("latency", Duration(l.DURATION().GetText()), Span(p)),
            FreshPropContext f => new ExternPropSyntax("fresh", Duration(f.DURATION().GetText()), Span(p)),
            _ => throw new InvalidOperationException("unknown extern property"),
        }).ToImmutableArray();
        return new ExternDeclSyntax(e.name.GetText(), Params(e.paramList()), Type(e.typeRef()), props, Span(e.name), Span(e));
    }

    private static double Duration(string text)
    {
        var ms = text.EndsWith("ms", StringComparison.Ordinal);
        var number = double.Parse(ms ? text[..^2] : text[..^1], CultureInfo.InvariantCulture);
        return ms ? number : number * 1000;
    }

    private FnDeclSyntax Fn(FnDeclContext ctx) => ctx switch
    {
        ExprFnContext f => new FnDeclSyntax(
            f.name.GetText(), Params(f.paramList()), Type(f.typeRef()), [new ReturnStmtSyntax(Expr(f.expr()), Span(f.expr()))], Span(f.name), Span(f)),
        BlockFnContext f => new FnDeclSyntax(
            f.name.GetText(), Params(f.paramList()), Type(f.typeRef()), [.. f.fnBlock().stmt().Select(Stmt)], Span(f.name), Span(f)),
        _ => throw new InvalidOperationException("unknown fn form"),
    };

    private HandlerDeclSyntax Handler(HandlerDeclContext h) =>
        new(h.name.GetText(), Params(h.paramList()), Type(h.typeRef()), Block(h.block()), Span(h.name), Span(h), h.access is not null);

    private TypeSyntax Type(TypeRefContext ctx) => ctx switch
    {
        OptionalTypeContext o => new OptionalTypeSyntax(Type(o.typeRef()), Span(o)),
        ListTypeContext l => new ListTypeSyntax(Type(l.typeRef()), Span(l)),
        NamedTypeContext n => new NamedTypeSyntax(n.name.GetText(), Span(n)),
        _ => throw new InvalidOperationException("unknown type form"),
    };

    private ImmutableArray<StmtSyntax> Block(BlockContext ctx) => [.. ctx.stmt().Select(Stmt)];

    private StmtSyntax Stmt(StmtContext ctx) => ctx switch
    {
        LetStatementContext l => Let(l.letStmt()),
        PutStmtContext p => new PutStmtSyntax(p.table.Text, Span(p.table), Expr(p.pk), Expr(p.rk), Record(p.recordBody()), Span(p)),
        DeleteStmtContext d => new DeleteStmtSyntax(d.table.Text, Span(d.table), Expr(d.pk), Expr(d.rk), Span(d)),
        EnqueueStmtContext e => new EnqueueStmtSyntax(e.handler.Text, Span(e.handler), Args(e.argList()), Span(e)),
        IfStmtContext i => If(i.ifStatement()),
        ReturnStmtContext r => new ReturnStmtSyntax(Expr(r.expr()), Span(r)),
        ForEachStmtContext f => new ForEachStmtSyntax(
            f.var.GetText(), Span(f.var), Expr(f.list), f.max is null ? null : Int(f.max.Text, Span(f.max)).AsInt, f.max is null ? null : Span(f.max), Block(f.block()), Span(f)),
        LoopStmtContext l => new LoopStmtSyntax(l.kw.Text, Span(l.kw)),
        AssignStmtContext a => new AssignStmtSyntax(a.name.GetText(), Span(a.name)),
        _ => throw new InvalidOperationException("unknown statement form"),
    };

    private LetStmtSyntax Let(LetStmtContext l) =>
        new(l.name.GetText(), Span(l.name), l.typeRef() is { } t ? Type(t) : null, Expr(l.expr()), Span(l));

    private IfStmtSyntax If(IfStatementContext ctx)
    {
        ImmutableArray<StmtSyntax> elseBody = ctx.elseIf is not null ? [If(ctx.elseIf)]
            : ctx.elseBlock is not null ? Block(ctx.elseBlock)
            : [];
        return new IfStmtSyntax(Expr(ctx.cond), Block(ctx.thenBlock), elseBody, Span(ctx));
    }

    private ImmutableArray<ExprSyntax> Args(ArgListContext? ctx) => ctx is null ? [] : [.. ctx.expr().Select(Expr)];

    private ExprSyntax Expr(ExprContext ctx) => ctx switch
    {
        PrimaryExprContext p => Primary(p.primary()),
        FieldExprContext f => new FieldExprSyntax(Expr(f.expr()), f.field.GetText(), Span(f)),
        UnaryExprContext u => new UnaryExprSyntax(u.op.Text, Expr(u.expr()), Span(u)),
        BinaryExprContext b => new BinaryExprSyntax(Comparison(b.op), Expr(b.expr(0)), Expr(b.expr(1)), Span(b)),
        CoalesceExprContext c => new CoalesceExprSyntax(Expr(c.expr(0)), Expr(c.expr(1)), Span(c)),
        IfExprContext i => new IfExprSyntax(Expr(i.cond), Expr(i.thenExpr), Expr(i.elseExpr), Span(i)),
        _ => throw new InvalidOperationException("unknown expression form"),
    };

    // '=' in an expression is a typo for '=='; reported once here, then checked as '==' so nothing cascades.
    private string Comparison(IToken op)
    {
        if (op.Text != "=")
        {
            return op.Text;
        }

        diagnostics.Add(Diag.FlimpEqualsComparison(Span(op)));
        return "==";
    }

    private ExprSyntax Primary(PrimaryContext ctx) => ctx switch
    {
        LiteralPrimaryContext l => new LiteralExprSyntax(Literal(l.literal(), Span(l)), Span(l)),
        MapPrimaryContext m => new MapExprSyntax(Expr(m.list), m.lambda1().param1.GetText(), Span(m.lambda1().param1), Lambda(m.lambda1().lambdaBody()), Span(m)),
        FilterPrimaryContext f => new FilterExprSyntax(Expr(f.list), f.lambda1().param1.GetText(), Span(f.lambda1().param1), Lambda(f.lambda1().lambdaBody()), Span(f)),
        FoldPrimaryContext f => new FoldExprSyntax(
            Expr(f.list), Expr(f.init), f.lambda2().acc.GetText(), f.lambda2().item.GetText(), Span(f.lambda2()), Lambda(f.lambda2().lambdaBody()), Span(f)),
        GetPrimaryContext g => new GetExprSyntax(g.table.Text, Span(g.table), Expr(g.pk), Expr(g.rk), Span(g)),
        QueryPrimaryContext q => new QueryExprSyntax(q.table.Text, Span(q.table), Expr(q.pk), q.prefix is null ? null : Expr(q.prefix), Span(q)),
        CallPrimaryContext c => new CallExprSyntax(c.name.GetText(), Span(c.name), Args(c.argList()), Span(c)),
        NamePrimaryContext n => new NameExprSyntax(n.name.GetText(), Span(n)),
        ParenPrimaryContext p => Expr(p.expr()),
        ListPrimaryContext l => new ListExprSyntax(Args(l.argList()), Span(l)),
        RecordPrimaryContext r => Record(r.recordBody()),
        _ => throw new InvalidOperationException("unknown primary form"),
    };

    private ExprSyntax Lambda(LambdaBodyContext ctx) => ctx switch
    {
        ExprLambdaBodyContext e => Expr(e.expr()),
        BlockLambdaBodyContext b => new BlockExprSyntax([.. b.letStmt().Select(Let)], Expr(b.expr()), Span(b)),
        _ => throw new InvalidOperationException("unknown lambda body"),
    };

    private RecordExprSyntax Record(RecordBodyContext ctx) =>
        new([.. ctx.fieldInit().Select(f => new FieldInitSyntax(f.name.GetText(), Span(f.name), Expr(f.expr())))], Span(ctx));

    private Value Literal(LiteralContext ctx, SourceSpan span) => ctx switch
    {
        IntLiteralContext i => Int(i.GetText(), span),
        FloatLiteralContext f => Value.Float(double.Parse(f.GetText(), CultureInfo.InvariantCulture)),
        StringLiteralContext s => Value.String(Unescape(s.GetText())),
        BoolLiteralContext b => Value.Bool(b.GetText() == "true"),
        _ => Value.Null,
    };

    private Value Int(string text, SourceSpan span)
    {
        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
        {
            return Value.Int(n);
        }

        diagnostics.Add(Diag.FlimpIntegerTooLarge(span, text));
        return Value.Int(0);
    }

    private static string Unescape(string quoted)
    {
        var sb = new StringBuilder(quoted.Length);
        for (var i = 1; i < quoted.Length - 1; i++)
        {
            var c = quoted[i];
            if (c == '\\' && i + 1 < quoted.Length - 1)
            {
                i++;
                c = quoted[i] switch { 'n' => '\n', 'r' => '\r', 't' => '\t', var other => other };
            }

            sb.Append(c);
        }

        return sb.ToString();
    }
}
