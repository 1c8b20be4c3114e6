namespace Fluxo.Diagnostics;

public static partial class Diag
{
    public static Diagnostic AzureBadIr(SourceSpan span, string reason) =>
        Error("FLX4001", span, $"the Azure back end cannot compile this IR: {reason}");

    // FLX4002 (a stale decision skipped with a warning) is retired: a stale policy is error FLX4100.

    public static Diagnostic AzureBadCache(SourceSpan at, string graph, string reason) =>
        Warning("FLX4003", at, $"cache on '{graph}' skipped: {reason}");

    // FLX4004 (a precompute or speculate decision not built into the service) is retired: the service builds both.

    public static Diagnostic AzureUndeployableNode(SourceSpan span, string what, string reason) =>
        Error("FLX4200", span, $"{what} cannot be deployed to Azure: {reason}");

    public static Diagnostic AzurePipeModuleUndeployable(SourceSpan span, string moduleId, string type, string why) =>
        Error("FLX4201", span, $"module '{moduleId}' ({type}) cannot be deployed to Azure: {why}");

    public static Diagnostic AzureSubPipeUndeployable(SourceSpan span, string moduleId, string reason) =>
        Error("FLX4202", span, $"module '{moduleId}' calls a sub-pipe that cannot be deployed to Azure: {reason}");
}
