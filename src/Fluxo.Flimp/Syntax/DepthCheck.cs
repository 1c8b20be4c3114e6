using Fluxo.Diagnostics;

namespace Fluxo.Flimp.Syntax;

/// <summary>Rejects expressions nested so deeply that later stages (IR JSON, code generation, the runtime's evaluator) would struggle.</summary>
internal static class DepthCheck
{
    /// <summary>Far beyond hand-written code, well within the IR JSON's MaxDepth.</summary>
    public const int MaxExprDepth = 300;

    public static void Report(ProgramSyntax program, DiagnosticBag diagnostics)
    {
        foreach (var decl in program.Decls)
        {
            var body = decl switch
            {
                FnDeclSyntax f => f.Body,
                HandlerDeclSyntax h => h.Body,
                _ => [],
            };

            // A fn's lets nest in its IR (each let wraps the rest of the body), so they count as depth.
            var extra = decl is FnDeclSyntax ? body.Length : 0;
            if (body.Select(Depth).DefaultIfEmpty(0).Max() + extra > MaxExprDepth)
            {
                diagnostics.Add(Diag.FlimpTooDeep(decl.NameSpan, MaxExprDepth));
            }
        }
    }

    private static int Depth(StmtSyntax s) => s switch
    {
        LetStmtSyntax l => Depth(l.Value),
        ReturnStmtSyntax r => Depth(r.Value),
        PutStmtSyntax p => 1 + Math.Max(Math.Max(Depth(p.PartitionKey), Depth(p.RowKey)), Depth(p.Fields)),
        DeleteStmtSyntax d => 1 + Math.Max(Depth(d.PartitionKey), Depth(d.RowKey)),
        EnqueueStmtSyntax e => 1 + Max(e.Args),
        IfStmtSyntax i => 1 + Math.Max(Depth(i.Condition), i.Then.Concat(i.Else).Select(Depth).DefaultIfEmpty(0).Max()),
        ForEachStmtSyntax f => 1 + Math.Max(Depth(f.List), f.Body.Select(Depth).DefaultIfEmpty(0).Max()),
        _ => 0,
    };

    private static int Max(IEnumerable<ExprSyntax> es) => es.Select(Depth).DefaultIfEmpty(0).Max();

    private static int Depth(ExprSyntax e) => 1 + e switch
    {
        UnaryExprSyntax u => Depth(u.Operand),
        BinaryExprSyntax b => Math.Max(Depth(b.Left), Depth(b.Right)),
        CoalesceExprSyntax c => 2 + Math.Max(Depth(c.Left), Depth(c.Right)),
        IfExprSyntax i => Max([i.Condition, i.Then, i.Else]),
        FieldExprSyntax f => Depth(f.Target),
        RecordExprSyntax r => 1 + Max(r.Fields.Select(f => f.Value)),
        ListExprSyntax l => 1 + Max(l.Items),
        CallExprSyntax c => 1 + Max(c.Args),
        MapExprSyntax m => Max([m.List, m.Body]),
        FilterExprSyntax f => Max([f.List, f.Body]),
        FoldExprSyntax f => Max([f.List, f.Init, f.Body]),
        BlockExprSyntax b => b.Lets.Length + Max([.. b.Lets.Select(l => l.Value), b.Result]),
        GetExprSyntax g => Max([g.PartitionKey, g.RowKey]),
        QueryExprSyntax q => Max(q.Prefix is null ? [q.PartitionKey] : [q.PartitionKey, q.Prefix]),
        _ => 0,
    };
}
