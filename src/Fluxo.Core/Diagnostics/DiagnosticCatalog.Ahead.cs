namespace Fluxo.Diagnostics;

/// <summary>Pre-computation and speculation: FLX2100-2149.</summary>
public static partial class Diag
{
    public static Diagnostic BadStaleness(string text) =>
        Error("FLX2100", SourceSpan.None("<command line>"), $"--staleness is a positive duration such as 60s, 5m or 500ms, not '{text}'");

    public static Diagnostic AheadPolicyUnfit(string path, string reason) =>
        Error("FLX2101", SourceSpan.None(path), $"the policy's pre-computations or speculations cannot be replayed: {reason}");
}
