using System.CommandLine;
using Fluxo.Diagnostics;
using Fluxo.Ir;

namespace Fluxo.Cli.Commands;

/// <summary>`fluxo compile FILE --emit ir [-o FILE]`: compile a service to one of the emit targets.</summary>
internal static class CompileCommand
{
    /// <summary>What compile produces; each target is one case of <see cref="Emit"/>.</summary>
    public enum EmitTarget
    {
        Ir,
    }

    public sealed record Arguments(string File, EmitTarget Emit, string? Output);

    public static Command Create()
    {
        var file = new Argument<FileInfo>("file") { Description = "The service to compile: a .flimp source or an .ir.json file." };
        var emit = new Option<EmitTarget>("--emit")
        {
            Description = "What to produce. ir: the dataflow IR as JSON (one graph per handler, every node with its properties).",
            DefaultValueFactory = _ => EmitTarget.Ir,
        };
        var output = new Option<FileInfo?>("--output", "-o") { Description = "Write to this file instead of standard output." };
        var cmd = new Command("compile", "Compile a service. Prints diagnostics to stderr and exits 1 on errors.") { file, emit, output };
        cmd.SetAction(parse => Run(
            new Arguments(parse.GetRequiredValue(file).ToString(), parse.GetValue(emit), parse.GetValue(output)?.ToString()),
            parse.InvocationConfiguration.Output,
            parse.InvocationConfiguration.Error));
        return cmd;
    }

    public static int Run(Arguments args, TextWriter output, TextWriter error)
    {
        var diagnostics = new DiagnosticBag();
        var module = ServiceLoader.Load(args.File, diagnostics);
        if (module is null || diagnostics.HasErrors)
        {
            DiagnosticPrinter.Print(diagnostics, error);
            return 1;
        }

        var text = Emit(module, args.Emit);
        if (args.Output is null)
        {
            output.Write(text);
        }
        else if (!OutputFile.TryWrite(args.Output, text, diagnostics))
        {
            DiagnosticPrinter.Print(diagnostics, error);
            return 1;
        }

        DiagnosticPrinter.Print(diagnostics, error);
        return 0;
    }

    private static string Emit(IrModule module, EmitTarget target) => target switch
    {
        EmitTarget.Ir => IrJson.Serialize(module),
        _ => throw new ArgumentOutOfRangeException(nameof(target), target, "unknown emit target"),
    };
}
