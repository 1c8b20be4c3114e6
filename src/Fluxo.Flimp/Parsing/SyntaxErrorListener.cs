using Antlr4.Runtime;
using Fluxo.Diagnostics;

namespace Fluxo.Flimp.Parsing;

/// <summary>Turns ANTLR's lexer and parser errors into FLX diagnostics instead of console output.</summary>
internal sealed class SyntaxErrorListener(string file, DiagnosticBag diagnostics) : IAntlrErrorListener<IToken>, IAntlrErrorListener<int>
{
    // One bad spot tends to produce a cascade; the first few are the useful ones.
    private const int MaxErrors = 20;

    public int Count { get; private set; }

    public void SyntaxError(TextWriter output, IRecognizer recognizer, IToken offendingSymbol, int line, int charPositionInLine, string msg, RecognitionException e)
    {
        var at = offendingSymbol is null ? SourceSpan.At(file, line, charPositionInLine + 1) : Spans.Of(file, offendingSymbol);
        var text = offendingSymbol?.Type == TokenConstants.EOF ? "end of file" : $"'{Shorten(offendingSymbol?.Text ?? "")}'";
        Report(Diag.FlimpSyntax(at, text, Describe(msg)));
    }

    public void SyntaxError(TextWriter output, IRecognizer recognizer, int offendingSymbol, int line, int charPositionInLine, string msg, RecognitionException e) =>
        Report(Diag.FlimpBadCharacter(SourceSpan.At(file, line, charPositionInLine + 1), msg));

    private void Report(Diagnostic diagnostic)
    {
        Count++;
        if (Count <= MaxErrors)
        {
            diagnostics.Add(diagnostic);
        }
    }

    // ANTLR's message already names what it expected; keep that part, drop its quoting of the token.
    private static string Describe(string msg)
    {
        var expecting = msg.IndexOf("expecting", StringComparison.Ordinal);
        return expecting >= 0 ? Shorten(msg[expecting..], 160) : "unexpected here";
    }

    private static string Shorten(string s, int max = 40) => s.Length <= max ? s : s[..max] + "...";
}
