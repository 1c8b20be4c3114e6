namespace Fluxo.Trace;

/// <summary>
/// The span schema that carries a Fluxo trace over OpenTelemetry: generated services emit it, the OTLP/JSON importer
/// reads it. A request is a span with <see cref="Handler"/> and no <see cref="Node"/>; each node that ran is a span of
/// the same trace with <see cref="Node"/> and the edges into it (from-node, value hash, value bytes), so the optimizer
/// sees the same facts a fluxo trace holds.
/// </summary>
public static class OtlpSpans
{
    public const string Handler = "fluxo.handler";
    public const string GraphHash = "fluxo.graph.hash";
    public const string GraphNodes = "fluxo.graph.nodes";
    public const string Service = "fluxo.service";
    public const string Clock = "fluxo.clock";
    public const string RequestId = "fluxo.request.id";
    public const string Client = "fluxo.client";
    public const string Node = "fluxo.node";
    public const string NodeKind = "fluxo.node.kind";
    public const string NodeStatus = "fluxo.node.status";
    public const string SelfMs = "fluxo.node.self_ms";
    public const string EdgesFrom = "fluxo.edges.from";
    public const string EdgesHash = "fluxo.edges.hash";
    public const string EdgesBytes = "fluxo.edges.bytes";
    public const string Cache = "fluxo.cache";
    public const string CacheHit = "fluxo.cache.hit";

    /// <summary>How a value hash is written in a span: 16 lowercase hex digits.</summary>
    public static string HashText(ulong hash) => hash.ToString("x16", System.Globalization.CultureInfo.InvariantCulture);
}
