using Antlr4.Runtime;
using Fluxo.Diagnostics;
using Fluxo.Flimp.Generated;

namespace Fluxo.Flimp.Parsing;

/// <summary>Turns ANTLR's lexer and parser errors into FLX diagnostics instead of console output.</summary>
internal sealed class SyntaxErrorListener(string file, DiagnosticBag diagnostics) : IAntlrErrorListener<IToken>, IAntlrErrorListener<int>
{
    // One bad spot tends to produce a cascade; the first few are the useful ones.
    private const int MaxErrors = 20;

    public int Count { get; private set; }

    // After an error, the parser's recovery reports more errors until it is back in step; those are noise.
    // Errors before the end of the statement that held the first one (its next ';', '{' or '}') are dropped.
    private int _quietUntil = -1;

    public void SyntaxError(TextWriter output, IRecognizer recognizer, IToken offendingSymbol, int line, int charPositionInLine, string msg, RecognitionException e)
    {
        if (offendingSymbol is not null && recognizer is Parser p)
        {
            if (offendingSymbol.TokenIndex <= _quietUntil)
            {
                Count++;
                return;
            }

            _quietUntil = StatementEnd(p.InputStream as ITokenStream, offendingSymbol.TokenIndex);
        }

        var at = offendingSymbol is null ? SourceSpan.At(file, line, charPositionInLine + 1) : Spans.Of(file, offendingSymbol);
        if (offendingSymbol?.Text == "=" && recognizer is Parser)
        {
            Report(Diag.FlimpEqualsComparison(at));
            return;
        }

        if (offendingSymbol is not null && IsReservedWord(recognizer, offendingSymbol))
        {
            Report(Diag.FlimpReservedWord(at, offendingSymbol.Text));
            return;
        }

        if (offendingSymbol?.Type == FlimpLexer.ERROR_CHAR)
        {
            var c = offendingSymbol.Text ?? "";
            Report(Diag.FlimpBadCharacter(at, c == "\"" ? "a string that does not end on its line" : $"'{Shorten(c)}' is not part of Flimp"));
            return;
        }

        var text = offendingSymbol?.Type == TokenConstants.EOF ? "end of file" : $"'{Shorten(offendingSymbol?.Text ?? "")}'";
        Report(Diag.FlimpSyntax(at, text, Describe(recognizer, msg)));
    }

    public void SyntaxError(TextWriter output, IRecognizer recognizer, int offendingSymbol, int line, int charPositionInLine, string msg, RecognitionException e) =>
        Report(Diag.FlimpBadCharacter(SourceSpan.At(file, line, charPositionInLine + 1), msg));

    private static int StatementEnd(ITokenStream? tokens, int from)
    {
        if (tokens is null)
        {
            return from;
        }

        var i = from;
        for (; i < tokens.Size; i++)
        {
            var t = tokens.Get(i);
            if (t.Type == TokenConstants.EOF || (t.Channel == 0 && i > from && t.Text is ";" or "{" or "}"))
            {
                break;
            }
        }

        return i;
    }

    // A keyword where a name was expected: the word is taken, not misplaced.
    private static bool IsReservedWord(IRecognizer recognizer, IToken token)
    {
        var text = token.Text ?? "";
        if (text.Length == 0 || !char.IsAsciiLetter(text[0]) || token.Type == FlimpLexer.ID || recognizer is not Parser parser)
        {
            return false;
        }

        try
        {
            return parser.GetExpectedTokens().Contains(FlimpLexer.ID);
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private void Report(Diagnostic diagnostic)
    {
        Count++;
        if (Count <= MaxErrors)
        {
            diagnostics.Add(diagnostic);
        }
    }

    // ANTLR's messages list every token that could follow; a short list helps, a long one does not.
    private static string Describe(IRecognizer recognizer, string msg)
    {
        var expected = ExpectedTokens(recognizer);
        if (expected.Contains("';'"))
        {
            return "expecting ';' (is one missing at the end of the previous line?)";
        }

        if (expected.Count is > 0 and <= 6)
        {
            return "expecting " + string.Join(" or ", expected);
        }

        return msg.StartsWith("extraneous input", StringComparison.Ordinal) ? "this token does not belong here" : "not valid Flimp here";
    }

    private static List<string> ExpectedTokens(IRecognizer recognizer)
    {
        if (recognizer is not Parser parser)
        {
            return [];
        }

        try
        {
            return parser.GetExpectedTokens().ToList().Select(t => parser.Vocabulary.GetDisplayName(t)).ToList();
        }
        catch (ArgumentException)
        {
            return [];
        }
    }

    private static string Shorten(string s, int max = 40) => s.Length <= max ? s : s[..max] + "...";
}
