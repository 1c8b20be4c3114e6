using System.Collections.Immutable;
using Fluxo.Diagnostics;

namespace Fluxo.Ir;

/// <summary>
/// A type written as text: <c>string</c>, <c>int</c>, <c>float</c>, <c>bool</c>, <c>unit</c>,
/// <c>list&lt;T&gt;</c>, <c>T?</c> (may be none), a record or table name, or <c>any</c> (Pipes items).
/// </summary>
public sealed record Param(string Name, string Type);

public sealed record RecordDecl(string Name, ImmutableArray<Param> Fields, SourceSpan Span);

/// <summary>An outside web service, declared with the properties every analysis relies on.
/// <see cref="FreshnessMs"/> (<c>fresh 60s</c>): its results may be reused up to this age; null = never unless deterministic.</summary>
public sealed record ExternDecl(
    string Name,
    ImmutableArray<Param> Params,
    string ReturnType,
    bool Deterministic,
    bool SideEffectFree,
    double? ExpectedLatencyMs,
    SourceSpan Span,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] double? FreshnessMs = null);

/// <summary>A pure function: no tables, no side effects, no externs; its body is one expression.</summary>
public sealed record FnDecl(string Name, ImmutableArray<Param> Params, string ReturnType, Expr Body, SourceSpan Span);

/// <summary>State, mapped to Azure Tables: a partition key, a row key and fields.</summary>
public sealed record TableDecl(string Name, Param PartitionKey, Param RowKey, ImmutableArray<Param> Fields, SourceSpan Span);
