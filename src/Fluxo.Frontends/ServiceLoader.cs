using System.Text.Json;
using Fluxo.Diagnostics;
using Fluxo.Flimp;
using Fluxo.Ir;
using Fluxo.Pipes.Import;

namespace Fluxo.Frontends;

/// <summary>Reads a service from a file in any form Fluxo understands, by extension: <c>.flimp</c> source, <c>.ir.json</c>, or any other <c>.json</c> as a Yahoo pipe.</summary>
public static class ServiceLoader
{
    public static IrModule? Load(string path, DiagnosticBag diagnostics)
    {
        if (InputFile.ReadText(path, diagnostics) is not { } text)
        {
            return null;
        }

        if (path.EndsWith(".flimp", StringComparison.OrdinalIgnoreCase))
        {
            return FlimpCompiler.Compile(path, text, diagnostics);
        }

        if (path.EndsWith(".ir.json", StringComparison.OrdinalIgnoreCase))
        {
            return LoadIr(path, text, diagnostics);
        }

        if (path.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
        {
            return PipeImporter.Import(path, text, PipeSearchPath.Beside(path), diagnostics);
        }

        diagnostics.Add(Diag.UnknownServiceFormat(path));
        return null;
    }

    private static IrModule? LoadIr(string path, string text, DiagnosticBag diagnostics)
    {
        IrModule module;
        try
        {
            module = IrJson.Deserialize(text);
        }
        catch (JsonException e)
        {
            diagnostics.Add(Diag.IrMalformed(path, (int)(e.LineNumber ?? 0) + 1, (int)(e.BytePositionInLine ?? 0) + 1, e.Message));
            return null;
        }
        catch (Exception e) when (e is NotSupportedException or InvalidOperationException or ArgumentException)
        {
            diagnostics.Add(Diag.IrMalformed(path, 1, 1, e.Message));
            return null;
        }

        var problems = IrValidator.Validate(module);
        foreach (var (at, problem) in problems)
        {
            diagnostics.Add(Diag.IrInvalid(path, at, problem));
        }

        return problems.Count == 0 ? module : null;
    }
}
