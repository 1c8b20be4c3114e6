namespace Fluxo.Diagnostics;

/// <summary>The production loop: stale policies, deployed traces, traces pull and load (FLX4100-4199).</summary>
public static partial class Diag
{
    public static Diagnostic StaleDecision(SourceSpan span, string decision) =>
        Error("FLX4100", span, $"stale policy: {decision} (re-run fluxo optimize on a new trace, or pass --allow-stale-policy to drop such decisions)");

    public static Diagnostic StaleDecisionDropped(SourceSpan span, string decision) =>
        Warning("FLX4101", span, $"dropped stale decision: {decision}");

    public static Diagnostic TraceFolderEmpty(string path) =>
        Error("FLX4110", SourceSpan.None(path), $"trace folder '{path}' holds no trace files");

    public static Diagnostic TraceSampleRatesDiffer(string path, double rate, string firstPath, double firstRate) =>
        Error("FLX4111", SourceSpan.None(path), $"this trace was sampled at rate {rate}, but '{firstPath}' at {firstRate}: traces read together must share a sample rate");

    public static Diagnostic TracesBadTime(string option, string text) =>
        Error("FLX4112", SourceSpan.None("<command line>"), $"{option} '{text}' is not a time (use ISO 8601, e.g. 2026-12-01T12:00:00Z)");

    public static Diagnostic TracesStorageFailed(string container, string reason) =>
        Error("FLX4113", SourceSpan.None("<command line>"), $"cannot read trace blobs from container '{container}': {reason}");

    public static Diagnostic LoadBadUrl(string url) =>
        Error("FLX4120", SourceSpan.None("<command line>"), $"'{url}' is not an http(s) URL on a loopback address: fluxo load drives local services only");

    public static Diagnostic LoadBadCounts(int requests, int concurrency) =>
        Error("FLX4121", SourceSpan.None("<command line>"), $"--requests ({requests}) and --concurrency ({concurrency}) must be positive");

    public static Diagnostic LoadNoService(string workload) =>
        Error("FLX4122", SourceSpan.None(workload), "no single .flimp or .ir.json beside the workload: name the service with --service");

    public static Diagnostic StandInsCannotListen(int port, string reason) =>
        Error("FLX4123", SourceSpan.None("<command line>"), $"cannot listen on 127.0.0.1:{port}: {reason}");

    public static Diagnostic TracesBadRate(double rate) =>
        Error("FLX4114", SourceSpan.None("<command line>"), $"--rate {rate} is not in (0, 1]");
}
