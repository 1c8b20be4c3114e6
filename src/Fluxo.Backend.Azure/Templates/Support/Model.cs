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
    GraphShape Graph);

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

/// <summary>A cache the policy chose: its id, its keyspace (from the key scheme, graph hash and node set, so no other build's cache shares it) and byte budget.</summary>
public sealed record CacheSpec(string Id, string Keyspace, long Bytes);

/// <summary>Everything the generated code declares about the service.</summary>
public sealed record ServiceModel(
    string Service,
    string Prefix,
    ImmutableArray<HandlerInfo> Handlers,
    ImmutableArray<RecordSchema> Records,
    ImmutableArray<TableSchema> Tables,
    ImmutableArray<CacheSpec> Caches)
{
    public HandlerInfo Handler(string name) => Handlers.First(h => h.Name == name);

    public TableSchema Table(string name) => Tables.First(t => t.Name == name);

    /// <summary>Queue names allow lowercase letters, digits and single hyphens.</summary>
    public string QueueName(string handler) => Prefix + "-" + new string(handler.ToLowerInvariant().Where(char.IsAsciiLetterOrDigit).ToArray());

    /// <summary>Table names allow letters and digits only.</summary>
    public string TableName(string table) => Prefix + new string(table.Where(char.IsAsciiLetterOrDigit).ToArray());
}
