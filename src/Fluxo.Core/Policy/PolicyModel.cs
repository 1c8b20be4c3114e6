using System.Collections.Immutable;

namespace Fluxo.Policy;

/// <summary>
/// The optimizer's decisions, each with the evidence that justified it. The sum of cache budgets never
/// exceeds <see cref="BudgetBytes"/>. Nodes are named by id within the handler's graph, and the graph by hash.
/// </summary>
public sealed record PolicyDocument(
    string Format,
    string Service,
    long BudgetBytes,
    ImmutableArray<CacheDecision> Caches,
    ImmutableArray<PrecomputeDecision> Precompute,
    ImmutableArray<SpeculateDecision> Speculate)
{
    public const string CurrentFormat = "fluxo-policy/1";

    public static PolicyDocument Empty(string service, long budgetBytes) =>
        new(CurrentFormat, service, budgetBytes, [], [], []);
}

/// <summary>A cache around a convex, side-effect-free subgraph: keyed by the values entering it, storing the values
/// leaving it, LRU within <see cref="Bytes"/>. Its entries expire after <see cref="TtlSeconds"/> (0: never), which a
/// subgraph with non-deterministic nodes needs (<see cref="Regions.CachedRegion.TtlProblem"/>).</summary>
public sealed record CacheDecision(
    string Handler,
    string GraphHash,
    ImmutableArray<int> Nodes,
    long Bytes,
    string Eviction,
    double ExpectedHitRatio,
    double LatencySavedMs,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingDefault)] double TtlSeconds = 0)
{
    /// <summary>The expiry in ms; 0 never expires.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public double TtlMs => TtlSeconds * 1000;
}

/// <summary>
/// A subgraph served from storage and refreshed on a schedule: one entry when its inputs do not depend on the request,
/// or, with <see cref="HotKeys"/>, one entry per listed key (the hottest inputs of the trace) of a part that reads request
/// fields only. A hot key's entry is computed the first time a request needs it (as a cache miss), then kept and refreshed
/// with the others; a key not listed runs as if there were no decision (<see cref="PrecomputeRule"/>).
/// </summary>
public sealed record PrecomputeDecision(
    string Handler,
    string GraphHash,
    ImmutableArray<int> Nodes,
    double RefreshSeconds,
    double LoadCostMs,
    double ComputeCostMs,
    double RefreshCostMsPerHour,
    long Bytes,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingDefault)] ImmutableArray<string> HotKeys = default)
{
    /// <summary>Whether the part is keyed by request fields, one stored entry per hot key.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool KeyedByRequest => !HotKeys.IsDefaultOrEmpty;
}

/// <summary>After <see cref="AfterHandler"/> completes for a client, start <see cref="Nodes"/> of <see cref="Handler"/> early.</summary>
public sealed record SpeculateDecision(
    string AfterHandler,
    string Handler,
    string GraphHash,
    ImmutableArray<int> Nodes,
    ImmutableArray<InputBinding> Inputs,
    double Probability,
    double ExpectedSavingMs,
    double ExpectedWasteMs,
    long Bytes = 0);

/// <summary>How a speculated request's parameter is guessed: from the earlier request's parameter <see cref="FromParam"/>,
/// or, when <see cref="FromResult"/> is set, its whole result or the result's field <see cref="ResultField"/>
/// (shorten -> preview(code = result.code)). <see cref="SpeculationRule.Guess"/> applies it.</summary>
public sealed record InputBinding(string Param, string FromParam, bool FromResult = false, string? ResultField = null);
