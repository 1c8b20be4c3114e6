using Fluxo.Ir;
using Fluxo.Runtime.Groups;
using Fluxo.Runtime.Tracing;

namespace Fluxo.Runtime.Engine;

/// <summary>A node ready to run: which inputs it always needs, its compiled guard and expression.</summary>
internal sealed class CompiledNode
{
    public required Node Node { get; init; }

    public int Id => Node.Id;

    /// <summary>Inputs the guard always reads; demanded together before the guard runs.</summary>
    public required int[] GuardStrict { get; init; }

    /// <summary>Inputs the expression always reads; demanded together (concurrently) before it runs.</summary>
    public required int[] Strict { get; init; }

    public Evaluator? Guard { get; init; }

    public Evaluator? Expr { get; init; }

    public INodeExecutor? Executor { get; init; }

    public int Slots { get; init; }
}

/// <summary>A graph compiled once: nodes, and for each node the cache group it belongs to (-1 for none).</summary>
internal sealed class CompiledGraph
{
    public required Graph Graph { get; init; }

    public required int Index { get; init; }

    public required CompiledNode[] Nodes { get; init; }

    public required int[] GroupOf { get; init; }

    public required SubgraphGroup[] Groups { get; init; }

    /// <summary>The inputs that read a field of the request straight from the Source, which a traced request records.</summary>
    public required SourceFields SourceFields { get; init; }
}
