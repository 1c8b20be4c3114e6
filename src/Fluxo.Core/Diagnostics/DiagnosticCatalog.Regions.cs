using Fluxo.Regions;

namespace Fluxo.Diagnostics;

/// <summary>Cached regions (<see cref="CachedRegion"/>): FLX5000-5099, one code per rule, whichever stage checks it.</summary>
public static partial class Diag
{
    /// <summary>A cache's nodes break a region rule; the back end skips such a cache with a warning, the other stages refuse it.</summary>
    public static Diagnostic BadCachedRegion(string path, string where, RegionProblem problem, Severity severity = Severity.Error) =>
        BadCachedRegion(new SourceSpan(path, 1, 1, 1, 1, where), problem, severity);

    public static Diagnostic BadCachedRegion(SourceSpan at, RegionProblem problem, Severity severity = Severity.Error) =>
        new($"FLX50{(int)problem.Kind + 1:00}", severity, at, $"a cache cannot wrap these nodes: {problem.Reason}");
}
