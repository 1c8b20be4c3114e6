namespace Fluxo.Diagnostics;

/// <summary>
/// Every diagnostic Fluxo reports, one method per code. Codes are never reused; a retired code stays
/// as a comment. Ranges: FLX0001-0999 Flimp front end, FLX1000-1999 runtime and traces,
/// FLX2000-2999 optimizer and policies, FLX3000-3999 Yahoo Pipes, FLX4000-4999 Azure back end,
/// FLX5000-5099 cached regions (every stage),
/// FLX9000-9999 command line and files. Each area keeps its codes in its own partial file.
/// </summary>
public static partial class Diag
{
    private static Diagnostic Error(string code, SourceSpan span, string message) => new(code, Severity.Error, span, message);

    private static Diagnostic Warning(string code, SourceSpan span, string message) => new(code, Severity.Warning, span, message);

    public static Diagnostic FileNotFound(string path) =>
        Error("FLX9001", SourceSpan.None(path), $"file '{path}' does not exist");

    public static Diagnostic FileUnreadable(string path, string reason) =>
        Error("FLX9002", SourceSpan.None(path), $"file '{path}' cannot be read: {reason}");
}
