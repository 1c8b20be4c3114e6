namespace Fluxo.Diagnostics;

/// <summary>Caches with expiry and replayed request logs (issue 13): FLX5100-5199.</summary>
public static partial class Diag
{
    /// <summary>A cache's expiry does not fit its nodes (<see cref="Regions.CachedRegion.TtlProblem"/>).</summary>
    public static Diagnostic BadCacheTtl(string path, string where, string reason) =>
        BadCacheTtl(new SourceSpan(path, 1, 1, 1, 1, where), reason);

    public static Diagnostic BadCacheTtl(SourceSpan at, string reason, Severity severity = Severity.Error) =>
        new("FLX5100", severity, at, $"a cache cannot expire this way: {reason}");

    public static Diagnostic BadTtlValue(SourceSpan at, double seconds) =>
        Error("FLX5101", at, $"ttlSeconds is {seconds}; it must be a finite number of seconds, 0 for entries that never expire");
}
