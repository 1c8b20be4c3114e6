namespace Fluxo.Diagnostics;

public enum Severity
{
    Error,
    Warning,
    Info,
}

/// <summary>A finding about an input, reported as data and never thrown.</summary>
public sealed record Diagnostic(string Code, Severity Severity, SourceSpan Span, string Message)
{
    /// <summary>MSBuild shape, so editors and CI pick it up: <c>file(line,col): error FLX0001: message</c>.</summary>
    public string Format()
    {
        var where = Span.Path is null ? $"{Span.File}({Span.Line},{Span.Column})" : $"{Span.File}({Span.Line},{Span.Column})";
        var sev = Severity switch { Severity.Error => "error", Severity.Warning => "warning", _ => "info" };
        var suffix = Span.Path is null ? "" : $" (at {Span.Path})";
        return $"{where}: {sev} {Code}: {Message}{suffix}";
    }

    public override string ToString() => Format();
}
