namespace Fluxo.Diagnostics;

/// <summary>A 1-based region of a source file (for JSON inputs, Path holds the JSON path).</summary>
public sealed record SourceSpan(string File, int Line, int Column, int EndLine, int EndColumn, string? Path = null)
{
    public static SourceSpan None(string file) => new(file, 1, 1, 1, 1);

    public static SourceSpan At(string file, int line, int column) => new(file, line, column, line, column);

    public override string ToString() => $"{File}({Line},{Column})";
}
