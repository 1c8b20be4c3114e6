namespace Fluxo.Diagnostics;

/// <summary>Codes FLX7000-7099: limits and safety checks that keep hostile or careless input from reaching generated code, disks or the process stack.</summary>
public static partial class Diag
{
    public static Diagnostic AzureNameUnusable(string name, string reason) =>
        Error("FLX7001", SourceSpan.None(name), $"the Azure back end cannot use the name '{name}': {reason}");

    public static Diagnostic PolicyInvalid(string path, string where, string reason) =>
        Error("FLX7002", new SourceSpan(path, 1, 1, 1, 1, where), $"policy is invalid: {reason}");
}
