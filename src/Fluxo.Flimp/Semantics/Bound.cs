using System.Collections.Immutable;
using Fluxo.Diagnostics;
using Fluxo.Ir;
using Fluxo.Values;

namespace Fluxo.Flimp.Semantics;

// The checked program: every name resolved, every expression typed. Lowering reads only this.

public enum VarKind
{
    /// <summary>A handler parameter: a field of the request.</summary>
    Request,
    /// <summary>A let in a handler body: a node of the graph.</summary>
    HandlerLet,
    /// <summary>A fn parameter, a let inside a fn, or a lambda parameter: a variable inside one expression.</summary>
    Local,
}

/// <summary>One named value; handler lets are compared by identity, so shadowing cannot confuse lowering.</summary>
public sealed class VarSymbol(string name, VarKind kind, FlimpType type, SourceSpan span)
{
    public string Name { get; } = name;

    public VarKind Kind { get; } = kind;

    public FlimpType Type { get; } = type;

    public SourceSpan Span { get; } = span;

    public bool Used { get; set; }
}

public abstract record BoundExpr(FlimpType Type, SourceSpan Span);

public sealed record BoundLiteral(Value Value, FlimpType Type, SourceSpan Span) : BoundExpr(Type, Span);

public sealed record BoundVar(VarSymbol Symbol, FlimpType Type, SourceSpan Span) : BoundExpr(Type, Span);

public sealed record BoundUnary(string Operator, BoundExpr Operand, FlimpType Type, SourceSpan Span) : BoundExpr(Type, Span);

public sealed record BoundBinary(string Operator, BoundExpr Left, BoundExpr Right, FlimpType Type, SourceSpan Span) : BoundExpr(Type, Span);

public sealed record BoundCoalesce(BoundExpr Left, BoundExpr Right, FlimpType Type, SourceSpan Span) : BoundExpr(Type, Span);

public sealed record BoundIf(BoundExpr Condition, BoundExpr Then, BoundExpr Else, FlimpType Type, SourceSpan Span) : BoundExpr(Type, Span);

public sealed record BoundField(BoundExpr Target, string Field, FlimpType Type, SourceSpan Span) : BoundExpr(Type, Span);

public sealed record BoundRecord(string? TypeName, ImmutableArray<(string Name, BoundExpr Value)> Fields, FlimpType Type, SourceSpan Span) : BoundExpr(Type, Span);

public sealed record BoundList(ImmutableArray<BoundExpr> Items, FlimpType Type, SourceSpan Span) : BoundExpr(Type, Span);

/// <summary>A call of a fn, builtin or extern with the callee's own properties.</summary>
public sealed record BoundCall(CallKind Kind, string Name, ImmutableArray<BoundExpr> Args, bool Deterministic, bool SideEffectFree, FlimpType Type, SourceSpan Span)
    : BoundExpr(Type, Span);

public sealed record BoundMap(BoundExpr List, VarSymbol Var, BoundExpr Body, FlimpType Type, SourceSpan Span) : BoundExpr(Type, Span);

public sealed record BoundFilter(BoundExpr List, VarSymbol Var, BoundExpr Body, FlimpType Type, SourceSpan Span) : BoundExpr(Type, Span);

public sealed record BoundFold(BoundExpr List, BoundExpr Init, VarSymbol Acc, VarSymbol Var, BoundExpr Body, FlimpType Type, SourceSpan Span) : BoundExpr(Type, Span);

/// <summary>A let inside a lambda's block body: <see cref="Var"/> is <see cref="Value"/> while <see cref="Body"/> is evaluated.</summary>
public sealed record BoundLetIn(VarSymbol Var, BoundExpr Value, BoundExpr Body, FlimpType Type, SourceSpan Span) : BoundExpr(Type, Span);

public sealed record BoundGet(string Table, BoundExpr PartitionKey, BoundExpr RowKey, FlimpType Type, SourceSpan Span) : BoundExpr(Type, Span);

public sealed record BoundQuery(string Table, BoundExpr PartitionKey, BoundExpr? Prefix, FlimpType Type, SourceSpan Span) : BoundExpr(Type, Span);

public abstract record BoundStmt(SourceSpan Span);

public sealed record BoundLet(VarSymbol Symbol, BoundExpr Value, SourceSpan Span) : BoundStmt(Span);

public sealed record BoundPut(string Table, BoundExpr PartitionKey, BoundExpr RowKey, ImmutableArray<(string Name, BoundExpr Value)> Fields, SourceSpan Span) : BoundStmt(Span);

public sealed record BoundDelete(string Table, BoundExpr PartitionKey, BoundExpr RowKey, SourceSpan Span) : BoundStmt(Span);

public sealed record BoundEnqueue(string Handler, ImmutableArray<(string Name, BoundExpr Value)> Args, SourceSpan Span) : BoundStmt(Span);

/// <summary>The body once per item of <see cref="List"/>, which never has more than <see cref="Max"/> items (checked per request when <see cref="Checked"/>).</summary>
public sealed record BoundForEach(VarSymbol Var, BoundExpr List, int Max, bool Checked, ImmutableArray<BoundStmt> Body, SourceSpan Span) : BoundStmt(Span);

public sealed record BoundIfStmt(BoundExpr Condition, ImmutableArray<BoundStmt> Then, ImmutableArray<BoundStmt> Else, SourceSpan Span) : BoundStmt(Span);

public sealed record BoundReturn(BoundExpr Value, SourceSpan Span) : BoundStmt(Span);

public sealed record BoundParam(string Name, FlimpType Type);

public sealed record BoundFn(string Name, ImmutableArray<BoundParam> Params, FlimpType ReturnType, ImmutableArray<BoundLet> Lets, BoundExpr Result, SourceSpan Span);

public sealed record BoundHandler(string Name, ImmutableArray<BoundParam> Params, FlimpType ReturnType, ImmutableArray<BoundStmt> Body, SourceSpan Span, bool Internal = false);

/// <summary>A whole checked service; declarations are already in IR form (they carry no expressions to bind).</summary>
public sealed record BoundProgram(
    string Service,
    ImmutableArray<RecordDecl> Records,
    ImmutableArray<ExternDecl> Externs,
    ImmutableArray<TableDecl> Tables,
    ImmutableArray<BoundFn> Functions,
    ImmutableArray<BoundHandler> Handlers);
