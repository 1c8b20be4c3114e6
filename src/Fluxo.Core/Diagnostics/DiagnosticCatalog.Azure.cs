namespace Fluxo.Diagnostics;

public static partial class Diag
{
    public static Diagnostic AzureBadIr(SourceSpan span, string reason) =>
        Error("FLX4001", span, $"the Azure back end cannot compile this IR: {reason}");

    // FLX4002 (a stale decision skipped with a warning) is retired: a stale policy is error FLX4100.

    public static Diagnostic AzureBadCache(string handler, string reason) =>
        Warning("FLX4003", SourceSpan.None(handler), $"cache on '{handler}' skipped: {reason}");

    public static Diagnostic AzureUnsupportedDecision(string handler, string kind) =>
        Warning("FLX4004", SourceSpan.None(handler), $"{kind} decision for '{handler}' is not built into the Azure service yet: the service computes those nodes on demand");

    public static Diagnostic AzureUndeployableNode(SourceSpan span, string what, string reason) =>
        Error("FLX4200", span, $"{what} cannot be deployed to Azure: {reason}");
}
