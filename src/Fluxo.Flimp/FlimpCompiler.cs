using Fluxo.Diagnostics;
using Fluxo.Flimp.Lowering;
using Fluxo.Flimp.Parsing;
using Fluxo.Flimp.Semantics;
using Fluxo.Flimp.Syntax;
using Fluxo.Ir;
using Fluxo.Limits;

namespace Fluxo.Flimp;

/// <summary>The Flimp front end: source text to IR, or null with diagnostics when the program has errors.</summary>
public static class FlimpCompiler
{
    /// <summary>Larger inputs are refused: real services are a few hundred lines, and the limit bounds the work garbage can cause.</summary>
    public const int MaxSourceChars = 200_000;

    /// <summary>Deepest bracket nesting accepted; the parser and every pass recurse on nesting.</summary>
    public const int MaxNesting = 200;

    // Every pass is recursive over the tree, so it runs on LargeStack, far beyond what MaxNesting needs.

    public static IrModule? Compile(string path, string text, DiagnosticBag diagnostics)
    {
        if (Refuse(path, text) is { } refused)
        {
            diagnostics.Add(refused);
            return null;
        }

        var local = new DiagnosticBag();
        try
        {
            var result = LargeStack.Run(() => Run(path, text, local));
            diagnostics.AddRange(local.Sorted());
            return result;
        }
        catch (Exception failure)
        {
            // A bug in a pass must still surface as a diagnostic, never as a crash of the caller.
            diagnostics.AddRange(local.Sorted());
            diagnostics.Add(Diag.FlimpInternalError(SourceSpan.None(path), failure.GetType().Name + ": " + failure.Message));
            return null;
        }
    }

    private static IrModule? Run(string path, string text, DiagnosticBag diagnostics)
    {
        var syntax = FlimpParsing.Parse(path, text, diagnostics);
        if (syntax is null || diagnostics.HasErrors)
        {
            return null;
        }

        DepthCheck.Report(syntax, diagnostics);
        if (diagnostics.HasErrors)
        {
            return null;
        }

        var bound = Binder.Bind(syntax, diagnostics);
        if (diagnostics.HasErrors)
        {
            return null;
        }

        return ModuleLowering.Lower(bound, path);
    }

    private static Diagnostic? Refuse(string path, string text)
    {
        if (text.Length > MaxSourceChars)
        {
            return Diag.FlimpInputTooLarge(SourceSpan.None(path), $"{text.Length} characters, more than {MaxSourceChars}");
        }

        // Unbracketed nesting (unary operators, if-chains) is bounded by the size limit and the large stack.
        int depth = 0, line = 1, col = 0;
        foreach (var c in text)
        {
            col++;
            switch (c)
            {
                case '\n':
                    line++;
                    col = 0;
                    break;
                case '(' or '[' or '{':
                    depth++;
                    break;
                case ')' or ']' or '}':
                    depth = Math.Max(0, depth - 1);
                    break;
            }

            if (depth > MaxNesting)
            {
                return Diag.FlimpInputTooLarge(SourceSpan.At(path, line, col), $"brackets nested more than {MaxNesting} deep");
            }
        }

        return null;
    }
}
