namespace Fluxo.Diagnostics;

/// <summary>Cached regions (<c>Regions.CachedRegion</c>): FLX5000-5099, one code per rule, whichever stage checks it.</summary>
public static partial class Diag
{
    /// <summary>
    /// A cache's nodes break region rule <paramref name="rule"/> (1-based, in the order of <c>RegionProblemKind</c>);
    /// the back end skips such a cache with a warning, the other stages refuse it.
    /// </summary>
    public static Diagnostic BadCachedRegion(SourceSpan at, int rule, string reason, Severity severity) =>
        new($"FLX50{rule:00}", severity, at, $"a cache cannot wrap these nodes: {reason}");
}
