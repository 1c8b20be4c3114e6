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

    public static Diagnostic RequestLogMalformed(SourceSpan at, string reason) =>
        Error("FLX5102", at, $"request log line is not valid JSON: {reason}");

    public static Diagnostic RequestLogInvalid(SourceSpan at, string reason) =>
        Error("FLX5103", at, $"request log line does not fit the service: {reason}");

    public static Diagnostic RequestLogEmpty(string path) =>
        Error("FLX5104", SourceSpan.None(path), "the request log holds no requests (one JSON object per line: time, client, handler, inputs)");

    public static Diagnostic RequestLogTooManyErrors(string path, int shown) =>
        Error("FLX5105", SourceSpan.None(path), $"more than {shown} bad lines; the rest are not checked");

    public static Diagnostic BadHotKey(string path, string where) =>
        Error("FLX5106", new SourceSpan(path, 1, 1, 1, 1, where), "a hot key is a part's key written as 16 hex digits (fluxo optimize writes them)");
}
