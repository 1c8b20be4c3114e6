using Fluxo.Values;

namespace Fluxo.Runtime.Engine;

/// <summary>One evaluation of a node (or of a fn body it calls): its inputs so far, locals, and the time it has been charged.</summary>
internal sealed class Frame(RequestRun run, CompiledNode? node, int nodeId, Value?[] inputs, Value[] locals)
{
    public RequestRun Run { get; } = run;

    public CompiledNode? Node { get; } = node;

    public int NodeId { get; } = nodeId;

    public Value?[] Inputs { get; } = inputs;

    public Value[] Locals { get; } = locals;

    /// <summary>Virtual time charged by the calls this node made (externs, builtins, storage).</summary>
    public double SelfMs { get; set; }

    /// <summary>The latest ready time among the inputs this node demanded.</summary>
    public double MaxReady { get; set; }

    public int CallIndex { get; set; }

    /// <summary>How many fn calls enclose this frame (0 for a node's own expression).</summary>
    public int Depth { get; init; }

    /// <summary>An input that may not have been demanded yet (a branch, the right of &amp;&amp;, a lambda body).</summary>
    public ValueTask<Value> Input(int i) => Inputs[i] is { } v ? new ValueTask<Value>(v) : Run.DemandInputAsync(this, i);
}
