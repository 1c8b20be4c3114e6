using Fluxo.Optimizer.Replay;

namespace Fluxo.Optimizer.Search;

/// <summary>A search's answer: the caches, their exact replay, and what it took to find them.</summary>
public sealed record SearchResult(
    string Method,
    IReadOnlyList<CachePlacement> Placement,
    SimulationResult Result,
    int Replays,
    TimeSpan Elapsed);

/// <summary>Progress of a long search: a stage name and the fraction of it done (0..1).</summary>
public delegate void SearchProgress(string stage, double fraction);
