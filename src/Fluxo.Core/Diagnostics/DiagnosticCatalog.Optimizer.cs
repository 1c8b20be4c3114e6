namespace Fluxo.Diagnostics;

public static partial class Diag
{
    public static Diagnostic TraceGraphMissing(string path, string graph) =>
        Error("FLX2003", SourceSpan.None(path), $"the trace has no requests for handler '{graph}' with this graph's hash; record a trace of the current program");

    public static Diagnostic TraceUnknownNode(string path, long request, int node) =>
        Error("FLX2004", SourceSpan.None(path), $"request {request} has an event for node {node}, which the graph does not have");

    public static Diagnostic TraceUnknownEdge(string path, long request, int from, int to) =>
        Error("FLX2005", SourceSpan.None(path), $"request {request} has a value on edge {from} -> {to}, which the graph does not have");

    public static Diagnostic PolicyUnknownHandler(string path, int cache, string handler) =>
        Error("FLX2006", SourceSpan.None(path), $"cache {cache} names handler '{handler}', which the program does not have");

    public static Diagnostic PolicyGraphHashMismatch(string path, int cache, string handler) =>
        Error("FLX2007", SourceSpan.None(path), $"cache {cache} was chosen for another version of handler '{handler}' (graph hash differs); optimize again");

    // FLX2008 (a cache cannot wrap its nodes) is retired: the cached-region rules report FLX5001-5006.

    public static Diagnostic PolicyOverlap(string path, int cache, int other) =>
        Error("FLX2009", SourceSpan.None(path), $"caches {other} and {cache} share nodes or wait on each other; caches must be disjoint and their subgraphs must not feed each other in a cycle");

    public static Diagnostic PolicyOverBudget(string path, long total, long budget) =>
        Error("FLX2010", SourceSpan.None(path), $"cache budgets add up to {total} bytes, more than the policy's budget of {budget} bytes");

    public static Diagnostic PolicyNegativeBytes(string path, int cache, long bytes) =>
        Error("FLX2011", SourceSpan.None(path), $"cache {cache} has a budget of {bytes} bytes; budgets must be positive");

    public static Diagnostic PolicyKeyNotInTrace(string path, int cache, long request) =>
        Error("FLX2012", SourceSpan.None(path), $"cache {cache}'s key needs a value the trace does not hold (request {request} skipped a node that feeds it)");

    public static Diagnostic BadByteSize(string text) =>
        Error("FLX2013", SourceSpan.None("<command line>"), $"'{text}' is not a size; write a number and a unit (B, KB, MB or GB; binary multiples): 1000B, 512KB, 64MB, 1GB");

    public static Diagnostic TraceServedNodes(string path) =>
        Warning("FLX2014", SourceSpan.None(path), "the trace was recorded with caches in place: served nodes count with their recorded latency, so savings are underestimated; record without a policy");

    public static Diagnostic TraceNoRequests(string path) =>
        Error("FLX2015", SourceSpan.None(path), "the trace holds no requests");

    public static Diagnostic HeldOutGap(string path, string objective, double inSample, double heldOut, double points) =>
        Warning("FLX2200", SourceSpan.None(path), string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"the policy gains {inSample:F1}% on the {objective} over the requests it was chosen on but {heldOut:F1}% over the last requests of the trace, held out; more than {points:0} points apart, so the trace may not predict the traffic to come: record a longer or more recent trace"));

    public static Diagnostic BadHoldOut(double share) =>
        Error("FLX2201", SourceSpan.None("--hold-out"), string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"--hold-out {share} is not a share of the trace: give a number from 0 (search the whole trace) up to, not including, 1"));
}
