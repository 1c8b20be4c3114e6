using System.Collections.Immutable;
using Fluxo.Values;

namespace Fluxo.Support;

/// <summary>A handler parameter as declared in Flimp: its name and type text.</summary>
public sealed record ParamInfo(string Name, string Type);

/// <summary>One handler: its parameters, its tier, its compiled body and the shape of its graph (for traces).</summary>
public sealed record HandlerInfo(
    string Name,
    ImmutableArray<ParamInfo> Params,
    string ReturnType,
    bool OnWorker,
    Func<RequestScope, Value, Task<Value>> Run,
    GraphShape Graph)
{
    /// <summary>Computes one part of the handler's graph (by its group number) without a request: a refresh or a speculation.</summary>
    public Func<RequestScope, Value, int, Task<Value[]>>? RunPart { get; init; }
}

/// <summary>
/// What a trace says about a handler's graph: its index and hash in the trace header, its node count, the request
/// fields each node reads straight from the Source, and the fields spatial sampling keys on.
/// </summary>
public sealed record GraphShape(
    int Index,
    string Hash,
    int NodeCount,
    int SourceId,
    ImmutableArray<(int Node, string Field)> SourceFields,
    ImmutableArray<string> KeyFields);

/// <summary>A table's keys and fields with their types, so rows round-trip through Azure Tables.</summary>
public sealed record TableSchema(
    string Name,
    ParamInfo PartitionKey,
    ParamInfo RowKey,
    ImmutableArray<ParamInfo> Fields);

/// <summary>A declared record type: its fields, checked when a request carries one.</summary>
public sealed record RecordSchema(string Name, ImmutableArray<ParamInfo> Fields);

/// <summary>A cache the policy chose: its id, its keyspace (from the key scheme, graph hash and node set, so no other build's cache shares it),
/// byte budget and how long an entry may serve (0: forever).</summary>
public sealed record CacheSpec(string Id, string Keyspace, long Bytes, double TtlMs = 0);

/// <summary>
/// A part of a handler the policy runs ahead of requests: pre-computed (served from the store) or speculated (served
/// from the client's waiting entry). <see cref="Decisions"/> are its positions in the policy's precompute or speculate
/// list; <see cref="KeyFields"/> the request fields its key is made of, in key order; <see cref="Reads"/> the tables it
/// reads, and <see cref="TableWideReads"/> those it reads with a computed partition key, whose every write counts.
/// </summary>
public sealed record AheadPart(
    string Id,
    string Handler,
    int Part,
    string Keyspace,
    bool Speculated,
    ImmutableArray<int> Decisions,
    ImmutableArray<string?> KeyFields,
    ImmutableArray<string> Reads,
    ImmutableArray<string> TableWideReads);

/// <summary>The policy's pre-compute and speculate decisions (Core's records) and where each part sits; <see cref="SpeculationBytes"/> bounds the waiting speculations.</summary>
public sealed record AheadModel(Fluxo.Policy.PolicyDocument Policy, ImmutableArray<AheadPart> Parts, long SpeculationBytes)
{
    public AheadPart Part(string id) => Parts.First(p => p.Id == id);

    /// <summary>Whether some speculated part reads <paramref name="table"/>: only writes to such tables are versioned.</summary>
    public bool Speculated(string table) => Parts.Any(p => p.Speculated && p.Reads.Contains(table));
}

/// <summary>Everything the generated code declares about the service.</summary>
public sealed record ServiceModel(
    string Service,
    string Prefix,
    ImmutableArray<HandlerInfo> Handlers,
    ImmutableArray<RecordSchema> Records,
    ImmutableArray<TableSchema> Tables,
    ImmutableArray<CacheSpec> Caches)
{
    /// <summary>The parts the policy runs ahead of requests; null without such decisions.</summary>
    public AheadModel? Ahead { get; init; }

    public HandlerInfo Handler(string name) => Handlers.First(h => h.Name == name);

    public TableSchema Table(string name) => Tables.First(t => t.Name == name);

    /// <summary>The fields of a record type, or of a table's rows (keys first), as Core's <see cref="ParamValues"/> checks them.</summary>
    public IReadOnlyList<(string Name, string Type)>? DeclaredFields(string type) =>
        Records.FirstOrDefault(r => r.Name == type) is { } record ? [.. record.Fields.Select(f => (f.Name, f.Type))]
        : Tables.FirstOrDefault(t => t.Name == type) is { } t ? ParamValues.RowFields((t.PartitionKey.Name, t.PartitionKey.Type), (t.RowKey.Name, t.RowKey.Type), t.Fields.Select(f => (f.Name, f.Type)))
        : null;

    /// <summary>Queue names allow lowercase letters, digits and single hyphens.</summary>
    public string QueueName(string handler) => Prefix + "-" + new string(handler.ToLowerInvariant().Where(char.IsAsciiLetterOrDigit).ToArray());

    /// <summary>Table names allow letters and digits only.</summary>
    public string TableName(string table) => Prefix + new string(table.Where(char.IsAsciiLetterOrDigit).ToArray());
}
