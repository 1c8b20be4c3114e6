namespace Fluxo.Diagnostics;

public static partial class Diag
{
    public static Diagnostic PolicyMalformed(string path, int line, int column, string reason) =>
        Error("FLX2001", SourceSpan.At(path, line, column), $"policy is not valid JSON: {reason}");

    public static Diagnostic PolicyBadFormat(string path, string? format, string expected) =>
        Error("FLX2002", SourceSpan.None(path), $"policy format is '{format ?? "(missing)"}', expected '{expected}'");
}
