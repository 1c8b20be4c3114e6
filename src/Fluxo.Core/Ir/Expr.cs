using System.Collections.Immutable;
using System.Text.Json.Serialization;
using Fluxo.Values;

namespace Fluxo.Ir;

public enum CallKind
{
    Fn,
    Builtin,
    Extern,
}

/// <summary>
/// The computation inside one node (or a fn body), over the node's inputs. Cheap pure operators are
/// fused into the node that consumes them; every call, table operation and enqueue is a node of its own.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "op")]
[JsonDerivedType(typeof(LitExpr), "lit")]
[JsonDerivedType(typeof(InputExpr), "input")]
[JsonDerivedType(typeof(VarExpr), "var")]
[JsonDerivedType(typeof(UnaryExpr), "unary")]
[JsonDerivedType(typeof(BinaryExpr), "binary")]
[JsonDerivedType(typeof(IfExpr), "if")]
[JsonDerivedType(typeof(LetExpr), "let")]
[JsonDerivedType(typeof(CallExpr), "call")]
[JsonDerivedType(typeof(RecordExpr), "record")]
[JsonDerivedType(typeof(FieldExpr), "field")]
[JsonDerivedType(typeof(ListExpr), "list")]
[JsonDerivedType(typeof(MapExpr), "map")]
[JsonDerivedType(typeof(FilterExpr), "filter")]
[JsonDerivedType(typeof(FoldExpr), "fold")]
[JsonDerivedType(typeof(TableGetExpr), "tableGet")]
[JsonDerivedType(typeof(TableQueryExpr), "tableQuery")]
[JsonDerivedType(typeof(TablePutExpr), "tablePut")]
[JsonDerivedType(typeof(TableDeleteExpr), "tableDelete")]
[JsonDerivedType(typeof(EnqueueExpr), "enqueue")]
public abstract record Expr;

/// <summary>A constant: string, int, float, bool or none.</summary>
public sealed record LitExpr(Value Value) : Expr;

/// <summary>The value arriving on the node's input edge <see cref="Index"/>.</summary>
public sealed record InputExpr(int Index) : Expr;

/// <summary>A fn parameter, a lambda parameter or a local let inside an expression.</summary>
public sealed record VarExpr(string Name) : Expr;

/// <summary>Operators: <c>-</c>, <c>!</c>.</summary>
public sealed record UnaryExpr(string Operator, Expr Operand) : Expr;

/// <summary>Operators: <c>+ - * / % == != &lt; &lt;= &gt; &gt;= &amp;&amp; ||</c> (and/or short-circuit).</summary>
public sealed record BinaryExpr(string Operator, Expr Left, Expr Right) : Expr;

public sealed record IfExpr(Expr Condition, Expr Then, Expr Else) : Expr;

public sealed record LetExpr(string Name, Expr Value, Expr Body) : Expr;

public sealed record CallExpr(CallKind Kind, string Name, ImmutableArray<Expr> Args) : Expr;

public sealed record FieldInit(string Name, Expr Value);

/// <summary>A record value; <see cref="TypeName"/> names its declared record or table, if any.</summary>
public sealed record RecordExpr(string? TypeName, ImmutableArray<FieldInit> Fields) : Expr;

public sealed record FieldExpr(Expr Target, string Field) : Expr;

public sealed record ListExpr(ImmutableArray<Expr> Items) : Expr;

public sealed record MapExpr(Expr List, string Var, Expr Body) : Expr;

public sealed record FilterExpr(Expr List, string Var, Expr Body) : Expr;

/// <summary>Left fold: <c>acc = Init; for each Var in List: acc = Body</c>.</summary>
public sealed record FoldExpr(Expr List, Expr Init, string Acc, string Var, Expr Body) : Expr;

/// <summary>One row, or none when absent; the row is a record of the table's fields plus both keys.</summary>
public sealed record TableGetExpr(string Table, Expr PartitionKey, Expr RowKey) : Expr;

/// <summary>The rows of one partition whose row key starts with <see cref="RowKeyPrefix"/> (all rows when null), in row key order.</summary>
public sealed record TableQueryExpr(string Table, Expr PartitionKey, Expr? RowKeyPrefix) : Expr;

/// <summary>Insert or replace a row; evaluates to unit (none).</summary>
public sealed record TablePutExpr(string Table, Expr PartitionKey, Expr RowKey, ImmutableArray<FieldInit> Fields) : Expr;

public sealed record TableDeleteExpr(string Table, Expr PartitionKey, Expr RowKey) : Expr;

/// <summary>Queue a call of another handler, run later by a worker; evaluates to unit.</summary>
public sealed record EnqueueExpr(string Handler, ImmutableArray<FieldInit> Args) : Expr;
