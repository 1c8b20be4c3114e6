using System.Collections.Immutable;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Fluxo.Diagnostics;

namespace Fluxo.Ir;

[JsonConverter(typeof(JsonStringEnumConverter<NodeKind>))]
public enum NodeKind
{
    /// <summary>The request: a record of the handler's parameters.</summary>
    Source,
    /// <summary>The response (input 0) after every side effect of the request (the other inputs).</summary>
    Sink,
    /// <summary>A call of an outside web service.</summary>
    Extern,
    /// <summary>A call of a pure fn.</summary>
    Fn,
    /// <summary>A call of a builtin (strings, numbers, time, ids, password hashing).</summary>
    Builtin,
    /// <summary>Pure operators with no call: arithmetic, records, lists, map/filter/fold.</summary>
    Compute,
    /// <summary>A join that picks one of two branches; only the taken branch runs.</summary>
    If,
    TableGet,
    TableQuery,
    TablePut,
    TableDelete,
    Enqueue,
    /// <summary>A Yahoo Pipes module; <see cref="Node.Config"/> holds its settings.</summary>
    PipeModule,
}

/// <summary>An edge into a node: the output of node <see cref="From"/>, or one field of it when <see cref="Field"/> is set
/// (a Source's output is the request record, so each parameter is its own edge). <see cref="Port"/> names the target
/// terminal where the target cares (Pipes).</summary>
public sealed record NodeInput(int From, string? Field = null, string? Port = null);

/// <summary>The facts every analysis relies on. <see cref="DependsOnInput"/> is transitive from the Source.</summary>
public sealed record NodeProps(
    bool Deterministic,
    bool SideEffectFree,
    bool DependsOnInput,
    ImmutableArray<string> Reads,
    ImmutableArray<string> Writes)
{
    public static readonly NodeProps Pure = new(true, true, false, [], []);

    /// <summary>A node whose result can be reused for the same inputs: the cache and speculation precondition.</summary>
    [JsonIgnore]
    public bool IsCacheable => Deterministic && SideEffectFree && Writes.IsDefaultOrEmpty;
}

/// <summary>
/// One operation in a handler's dataflow graph. The node computes <see cref="Expr"/> over its inputs
/// (InputExpr(i) is the value on Inputs[i]); when <see cref="Guard"/> is set, the node runs only when
/// the guard (also over its inputs) is true, and otherwise yields none without running.
/// </summary>
public sealed record Node(
    int Id,
    NodeKind Kind,
    string Label,
    string? Target,
    ImmutableArray<NodeInput> Inputs,
    Expr? Expr,
    Expr? Guard,
    string Type,
    NodeProps Props,
    SourceSpan Span,
    JsonObject? Config = null);
