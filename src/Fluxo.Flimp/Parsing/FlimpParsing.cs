using Antlr4.Runtime;
using Antlr4.Runtime.Atn;
using Antlr4.Runtime.Misc;
using Fluxo.Diagnostics;
using Fluxo.Flimp.Generated;
using Fluxo.Flimp.Syntax;

namespace Fluxo.Flimp.Parsing;

/// <summary>Text to syntax tree: fast SLL prediction first, full LL with error reporting only when SLL fails.</summary>
public static class FlimpParsing
{
    public static ProgramSyntax? Parse(string path, string text, DiagnosticBag diagnostics)
    {
        var tree = ParseTree(path, text, diagnostics);
        return tree is null ? null : new AstBuilder(path, diagnostics).Program(tree);
    }

    private static FlimpParser.ProgramContext? ParseTree(string path, string text, DiagnosticBag diagnostics)
    {
        var listener = new SyntaxErrorListener(path, diagnostics);
        var lexer = new FlimpLexer(new AntlrInputStream(text));
        lexer.RemoveErrorListeners();
        lexer.AddErrorListener(listener);
        var tokens = new CommonTokenStream(lexer);
        var parser = new FlimpParser(tokens);
        parser.RemoveErrorListeners();
        parser.Interpreter.PredictionMode = PredictionMode.SLL;
        parser.ErrorHandler = new BailErrorStrategy();
        FlimpParser.ProgramContext tree;
        try
        {
            tree = parser.program();
        }
        catch (ParseCanceledException)
        {
            tokens.Seek(0);
            parser.Reset();
            parser.AddErrorListener(listener);
            parser.Interpreter.PredictionMode = PredictionMode.LL;
            parser.ErrorHandler = new DefaultErrorStrategy();
            tree = parser.program();
        }

        // The lexer reports bad characters during SLL too; any error means the tree is not trusted.
        return listener.Count == 0 ? tree : null;
    }
}
