using System.Collections.Immutable;
using Fluxo.Diagnostics;

namespace Fluxo.Flimp.Syntax;

// The Flimp syntax tree: plain records with spans, so no pass after parsing depends on ANTLR.

/// <summary>A type as written: a name (<c>string</c>, a record or table), <c>list&lt;T&gt;</c> or <c>T?</c>.</summary>
public abstract record TypeSyntax(SourceSpan Span);

public sealed record NamedTypeSyntax(string Name, SourceSpan Span) : TypeSyntax(Span);

public sealed record ListTypeSyntax(TypeSyntax Element, SourceSpan Span) : TypeSyntax(Span);

public sealed record OptionalTypeSyntax(TypeSyntax Inner, SourceSpan Span) : TypeSyntax(Span);

public sealed record ParamSyntax(string Name, TypeSyntax Type, SourceSpan Span);

public sealed record ProgramSyntax(string Service, SourceSpan ServiceSpan, ImmutableArray<DeclSyntax> Decls);

public abstract record DeclSyntax(string Name, SourceSpan NameSpan, SourceSpan Span);

public sealed record RecordDeclSyntax(string Name, ImmutableArray<ParamSyntax> Fields, SourceSpan NameSpan, SourceSpan Span)
    : DeclSyntax(Name, NameSpan, Span);

public sealed record ExternPropSyntax(string Kind, double? LatencyMs, SourceSpan Span);

public sealed record ExternDeclSyntax(
    string Name, ImmutableArray<ParamSyntax> Params, TypeSyntax ReturnType, ImmutableArray<ExternPropSyntax> Props, SourceSpan NameSpan, SourceSpan Span)
    : DeclSyntax(Name, NameSpan, Span);

/// <summary>A pure fn; an expression body is a block holding one return.</summary>
public sealed record FnDeclSyntax(
    string Name, ImmutableArray<ParamSyntax> Params, TypeSyntax ReturnType, ImmutableArray<StmtSyntax> Body, SourceSpan NameSpan, SourceSpan Span)
    : DeclSyntax(Name, NameSpan, Span);

public sealed record TableDeclSyntax(
    string Name, ParamSyntax PartitionKey, ParamSyntax RowKey, ImmutableArray<ParamSyntax> Fields, SourceSpan NameSpan, SourceSpan Span)
    : DeclSyntax(Name, NameSpan, Span);

/// <summary>A handler; an <see cref="Internal"/> one is run only through <c>enqueue</c>, never by an outside request.</summary>
public sealed record HandlerDeclSyntax(
    string Name, ImmutableArray<ParamSyntax> Params, TypeSyntax ReturnType, ImmutableArray<StmtSyntax> Body, SourceSpan NameSpan, SourceSpan Span, bool Internal = false)
    : DeclSyntax(Name, NameSpan, Span);

public abstract record StmtSyntax(SourceSpan Span);

public sealed record LetStmtSyntax(string Name, SourceSpan NameSpan, TypeSyntax? Type, ExprSyntax Value, SourceSpan Span) : StmtSyntax(Span);

public sealed record PutStmtSyntax(string Table, SourceSpan TableSpan, ExprSyntax PartitionKey, ExprSyntax RowKey, RecordExprSyntax Fields, SourceSpan Span) : StmtSyntax(Span);

public sealed record DeleteStmtSyntax(string Table, SourceSpan TableSpan, ExprSyntax PartitionKey, ExprSyntax RowKey, SourceSpan Span) : StmtSyntax(Span);

public sealed record EnqueueStmtSyntax(string Handler, SourceSpan HandlerSpan, ImmutableArray<ExprSyntax> Args, SourceSpan Span) : StmtSyntax(Span);

public sealed record IfStmtSyntax(ExprSyntax Condition, ImmutableArray<StmtSyntax> Then, ImmutableArray<StmtSyntax> Else, SourceSpan Span) : StmtSyntax(Span);

/// <summary><c>for each x in list max N { ... }</c>: the body's effects once per item; <see cref="Max"/> is the declared bound, if any.</summary>
public sealed record ForEachStmtSyntax(string Var, SourceSpan VarSpan, ExprSyntax List, long? Max, SourceSpan? MaxSpan, ImmutableArray<StmtSyntax> Body, SourceSpan Span)
    : StmtSyntax(Span);

public sealed record ReturnStmtSyntax(ExprSyntax Value, SourceSpan Span) : StmtSyntax(Span);

/// <summary>A <c>while</c> or <c>for</c>: kept only to report that Flimp has no loops.</summary>
public sealed record LoopStmtSyntax(string Keyword, SourceSpan Span) : StmtSyntax(Span);

/// <summary><c>x = e;</c>: kept only to report that bindings cannot be reassigned.</summary>
public sealed record AssignStmtSyntax(string Name, SourceSpan Span) : StmtSyntax(Span);

public abstract record ExprSyntax(SourceSpan Span);

public sealed record LiteralExprSyntax(Fluxo.Values.Value Value, SourceSpan Span) : ExprSyntax(Span);

public sealed record NameExprSyntax(string Name, SourceSpan Span) : ExprSyntax(Span);

public sealed record CallExprSyntax(string Name, SourceSpan NameSpan, ImmutableArray<ExprSyntax> Args, SourceSpan Span) : ExprSyntax(Span);

public sealed record UnaryExprSyntax(string Operator, ExprSyntax Operand, SourceSpan Span) : ExprSyntax(Span);

public sealed record BinaryExprSyntax(string Operator, ExprSyntax Left, ExprSyntax Right, SourceSpan Span) : ExprSyntax(Span);

public sealed record CoalesceExprSyntax(ExprSyntax Left, ExprSyntax Right, SourceSpan Span) : ExprSyntax(Span);

public sealed record IfExprSyntax(ExprSyntax Condition, ExprSyntax Then, ExprSyntax Else, SourceSpan Span) : ExprSyntax(Span);

public sealed record FieldExprSyntax(ExprSyntax Target, string Field, SourceSpan Span) : ExprSyntax(Span);

public sealed record FieldInitSyntax(string Name, SourceSpan NameSpan, ExprSyntax Value);

public sealed record RecordExprSyntax(ImmutableArray<FieldInitSyntax> Fields, SourceSpan Span) : ExprSyntax(Span);

public sealed record ListExprSyntax(ImmutableArray<ExprSyntax> Items, SourceSpan Span) : ExprSyntax(Span);

public sealed record MapExprSyntax(ExprSyntax List, string Var, SourceSpan VarSpan, ExprSyntax Body, SourceSpan Span) : ExprSyntax(Span);

public sealed record FilterExprSyntax(ExprSyntax List, string Var, SourceSpan VarSpan, ExprSyntax Body, SourceSpan Span) : ExprSyntax(Span);

public sealed record FoldExprSyntax(ExprSyntax List, ExprSyntax Init, string Acc, string Var, SourceSpan VarSpan, ExprSyntax Body, SourceSpan Span) : ExprSyntax(Span);

/// <summary>A lambda's block body: lets, then the value.</summary>
public sealed record BlockExprSyntax(ImmutableArray<LetStmtSyntax> Lets, ExprSyntax Result, SourceSpan Span) : ExprSyntax(Span);

public sealed record GetExprSyntax(string Table, SourceSpan TableSpan, ExprSyntax PartitionKey, ExprSyntax RowKey, SourceSpan Span) : ExprSyntax(Span);

public sealed record QueryExprSyntax(string Table, SourceSpan TableSpan, ExprSyntax PartitionKey, ExprSyntax? Prefix, SourceSpan Span) : ExprSyntax(Span);
