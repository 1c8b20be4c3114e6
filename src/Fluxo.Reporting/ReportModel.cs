using Fluxo.Policy;

namespace Fluxo.Reporting;

/// <summary>
/// Every number `fluxo report` shows, taken from one optimizer call; written beside the page as report.json, and the
/// page and charts are drawn from it alone. Names follow `fluxo optimize --format json`.
/// </summary>
public sealed record ServiceReport(
    string Service,
    IReadOnlyList<string> Handlers,
    int Requests,
    long BudgetBytes,
    long CacheBudgetBytes,
    long ReservedBytes,
    string Search,
    string Objective,
    IReadOnlyList<PolicyLatency> Policies,
    IReadOnlyList<DecisionLatency> Decisions,
    IReadOnlyList<CacheReport> Caches,
    IReadOnlyList<CandidateCurve> Candidates,
    IReadOnlyList<BudgetPoint> Sweep,
    [property: System.Text.Json.Serialization.JsonIgnore] PolicyDocument Policy);

/// <summary>A cache policy replayed on the searched handlers: the optimizer's figures and its latency quantiles (CDF).</summary>
/// <param name="Quantiles">Latency at rank k/1000 for k = 0..1000 (<see cref="Optimizer.Replay.LatencyDistribution"/>).</param>
public sealed record PolicyLatency(
    string Name, bool Chosen, double MeanMs, double P50Ms, double P95Ms, double P99Ms, IReadOnlyList<CacheSize> Caches, IReadOnlyList<double> Quantiles);

public sealed record CacheSize(string Name, string Handler, IReadOnlyList<int> Nodes, long Bytes);

/// <summary>A kind of decision (caches, pre-computation, speculation) replayed over the whole trace, every handler.</summary>
public sealed record DecisionLatency(
    string Name, double MeanMs, double P50Ms, double P95Ms, double P99Ms, long Speculations, long SpeculationsUsed,
    double WastedWorkMs, double RefreshWorkMs, IReadOnlyList<double> Quantiles);

/// <summary>A chosen cache: its replayed statistics with the others in place, and its own hit-ratio curve.</summary>
/// <param name="CurveHitRatio">The curve at the chosen size: the cache alone, which may differ from <paramref name="HitRatio"/> where caches interact.</param>
public sealed record CacheReport(
    string Name, string Handler, IReadOnlyList<int> Nodes, long Bytes, long Lookups, long Hits, double HitRatio, long PeakBytes,
    double CurveHitRatio, HitRatioCurve Curve);

/// <summary>A candidate subgraph the search could cache, with its hit-ratio curve; <paramref name="ChosenBytes"/> is null when it was not chosen.</summary>
public sealed record CandidateCurve(string Name, string Handler, IReadOnlyList<int> Nodes, long Lookups, long? ChosenBytes, HitRatioCurve Curve);

/// <summary>Hit ratio of an LRU cache of each size, at the sizes where it steps (thinned to a few hundred points).</summary>
public sealed record HitRatioCurve(IReadOnlyList<long> Bytes, IReadOnlyList<double> HitRatio);

/// <summary>The same search at another total budget (factor × the budget asked for), with the reference policies at that budget.</summary>
public sealed record BudgetPoint(double Factor, long BudgetBytes, long CacheBudgetBytes, IReadOnlyList<SweepLatency> Policies);

public sealed record SweepLatency(string Name, bool Chosen, double MeanMs, double P50Ms, double P95Ms, double P99Ms);
