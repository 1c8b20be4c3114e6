using Antlr4.Runtime;
using Fluxo.Diagnostics;

namespace Fluxo.Flimp.Parsing;

/// <summary>Turns ANTLR token positions (0-based columns) into 1-based source spans.</summary>
internal static class Spans
{
    public static SourceSpan Of(string file, IToken start, IToken? stop)
    {
        var end = stop is null || stop.TokenIndex < start.TokenIndex ? start : stop;
        var (endLine, endCol) = EndOf(end);
        return new SourceSpan(file, start.Line, start.Column + 1, endLine, endCol);
    }

    public static SourceSpan Of(string file, ParserRuleContext ctx) => Of(file, ctx.Start, ctx.Stop);

    public static SourceSpan Of(string file, IToken token) => Of(file, token, token);

    private static (int Line, int Column) EndOf(IToken token)
    {
        var text = token.Text ?? "";
        var lastBreak = text.LastIndexOf('\n');
        if (lastBreak < 0)
        {
            return (token.Line, token.Column + 1 + text.Length);
        }

        return (token.Line + text.Count(c => c == '\n'), text.Length - lastBreak);
    }
}
