using System.Collections.Immutable;
using Fluxo.Policy;
using Fluxo.Runtime.Caching;
using Fluxo.Runtime.Externs;
using Fluxo.Runtime.Queues;
using Fluxo.Runtime.Tables;

namespace Fluxo.Runtime.Engine;

/// <summary>Everything an engine is built from; every part has an embedded default.</summary>
public sealed record EngineOptions
{
    public ClockMode Clock { get; init; } = ClockMode.Virtual;

    public ulong Seed { get; init; } = 1;

    public ServiceBindings Bindings { get; init; } = ServiceBindings.Empty;

    public ITableStore Tables { get; init; } = new InMemoryTableStore();

    public IMessageQueue Queue { get; init; } = new InProcessQueue();

    /// <summary>Caches to apply; node ids refer to the graphs the decisions name by hash.</summary>
    public PolicyDocument? Policy { get; init; }

    /// <summary>Where the policy came from, for diagnostics.</summary>
    public string PolicyPath { get; init; } = "policy.json";

    public ICacheFactory Caches { get; init; } = new InProcessCacheFactory();

    public CostModel Costs { get; init; } = CostModel.Default;

    public ImmutableArray<INodeExecutor> Executors { get; init; } = [];

    /// <summary>Collect node and edge events per request (a little slower).</summary>
    public bool Trace { get; init; }

    /// <summary>Steps of work one request may take (<see cref="Limits.EvaluationLimits.MaxSteps"/>).</summary>
    public long WorkLimit { get; init; } = Limits.EvaluationLimits.MaxSteps;

    /// <summary>Wall-clock time one request may take, under either clock; null for no limit.</summary>
    public TimeSpan? TimeLimit { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>What now() reads at virtual time 0: 2026-01-01T00:00:00Z.</summary>
    public long EpochMs { get; init; } = 1_767_225_600_000;
}
