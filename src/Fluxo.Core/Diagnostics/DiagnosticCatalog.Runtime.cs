namespace Fluxo.Diagnostics;

public static partial class Diag
{
    public static Diagnostic TraceMalformed(string path, int line, string reason) =>
        Error("FLX1001", SourceSpan.At(path, line, 1), $"trace is malformed: {reason}");

    public static Diagnostic TraceTruncated(string path, int line, string reason) =>
        Error("FLX1002", SourceSpan.At(path, line, 1), $"trace is truncated: {reason}");

    public static Diagnostic TraceGraphMismatch(string path, int line, string graph, string traceHash, string moduleHash) =>
        Error("FLX1003", SourceSpan.At(path, line, 1), $"trace was recorded from graph '{graph}' with hash {traceHash}, but the service's graph has hash {moduleHash}");

    public static Diagnostic TraceBinaryMalformed(string path, long offset, string reason) =>
        Error("FLX1004", new SourceSpan(path, 1, 1, 1, 1, $"byte {offset}"), $"binary trace is malformed at byte offset {offset}: {reason}");

    public static Diagnostic TraceUnknownGraph(string path, int line, string graph) =>
        Error("FLX1005", SourceSpan.At(path, line, 1), $"trace names graph '{graph}', which the service does not have");

    public static Diagnostic BindingsMalformed(string path, int line, int column, string reason) =>
        Error("FLX1010", SourceSpan.At(path, line, column), $"bindings file is not valid: {reason}");

    public static Diagnostic BindingsInvalid(string path, string where, string reason) =>
        Error("FLX1011", new SourceSpan(path, 1, 1, 1, 1, where), $"bindings file is not valid: {reason}");

    public static Diagnostic ExternUnbound(string path, string externName) =>
        Error("FLX1012", SourceSpan.None(path), $"extern '{externName}' has no binding (add it to the bindings file beside the service)");

    public static Diagnostic WorkloadMalformed(string path, int line, int column, string reason) =>
        Error("FLX1020", SourceSpan.At(path, line, column), $"workload is not valid JSON: {reason}");

    public static Diagnostic WorkloadInvalid(string path, string where, string reason) =>
        Error("FLX1021", new SourceSpan(path, 1, 1, 1, 1, where), $"workload is not valid: {reason}");

    public static Diagnostic PolicyDoesNotFit(string path, string where, string reason) =>
        Error("FLX1030", new SourceSpan(path, 1, 1, 1, 1, where), $"policy does not fit the service: {reason}");

    public static Diagnostic EngineCannotCompile(SourceSpan span, string reason) =>
        Error("FLX1040", span, $"the runtime cannot execute this graph: {reason}");

    public static Diagnostic UnknownHandler(string path, string handler) =>
        Error("FLX1041", SourceSpan.None(path), $"the service has no handler '{handler}'");

    public static Diagnostic BadInputArgument(string text) =>
        Error("FLX1042", SourceSpan.None("<command line>"), $"input '{text}' is not of the form name=value");

    public static Diagnostic RunNeedsOneMode(bool both) =>
        Error("FLX1043", SourceSpan.None("<command line>"), both
            ? "fluxo run takes --handler (one request) or --workload (many), not both"
            : "fluxo run needs --handler H (one request) or --workload W.json (many requests); neither was given");

    public static Diagnostic RunBadRequests(int n) =>
        Error("FLX1044", SourceSpan.None("<command line>"), $"--requests must be positive, not {n}");
}
