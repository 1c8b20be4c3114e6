namespace Fluxo.Flimp.Lowering;

/// <summary>What one node's own computation does, accumulated while its expression is built.</summary>
internal sealed class NodeEffects
{
    public bool Deterministic { get; set; } = true;

    public bool SideEffectFree { get; set; } = true;

    public SortedSet<string> Reads { get; } = new(StringComparer.Ordinal);

    public SortedSet<string> Writes { get; } = new(StringComparer.Ordinal);
}
