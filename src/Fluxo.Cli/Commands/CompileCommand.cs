using System.CommandLine;
using Fluxo.Diagnostics;
using Fluxo.Frontends;
using Fluxo.Ir;
using Fluxo.Policy;

namespace Fluxo.Cli.Commands;

/// <summary>`fluxo compile FILE [--emit azure|ir] [--policy P.json] [-o OUT]`: compile a service to one of the emit targets.</summary>
internal static class CompileCommand
{
    /// <summary>What compile produces; each target is one case of <see cref="Emit"/>.</summary>
    public enum EmitTarget
    {
        Azure,
        Ir,
    }

    public sealed record Arguments(string File, EmitTarget Emit, string? Output, string? Policy = null);

    public static Command Create()
    {
        var file = new Argument<FileInfo>("file") { Description = "The service to compile: a .flimp source or an .ir.json file." };
        var emit = new Option<EmitTarget>("--emit")
        {
            Description = "What to produce. azure: a .NET solution for Azure (front end, workers, queues, tables, Redis caches) in the -o folder (default out). "
                + "ir: the dataflow IR as JSON (one graph per handler, every node with its properties).",
            DefaultValueFactory = _ => EmitTarget.Azure,
        };
        var output = new Option<FileInfo?>("--output", "-o") { Description = "azure: the folder to write the solution to (default out). ir: write to this file instead of standard output." };
        var policy = new Option<FileInfo?>("--policy") { Description = "azure: build the optimizer's decisions (policy.json from fluxo optimize) into the service." };
        var cmd = new Command("compile", "Compile a service. Prints diagnostics to stderr and exits 1 on errors.") { file, emit, output, policy };
        cmd.SetAction((parse, ct) => RunAsync(
            new Arguments(parse.GetRequiredValue(file).ToString(), parse.GetValue(emit), parse.GetValue(output)?.ToString(), parse.GetValue(policy)?.ToString()),
            parse.InvocationConfiguration.Output,
            parse.InvocationConfiguration.Error,
            ct));
        return cmd;
    }

    public static async Task<int> RunAsync(Arguments args, TextWriter output, TextWriter error, CancellationToken ct)
    {
        if (args.Emit != EmitTarget.Azure)
        {
            return Run(args, output, error);
        }

        var diagnostics = new DiagnosticBag();
        var module = ServiceLoader.Load(args.File, diagnostics);
        var policy = args.Policy is null ? null : PolicyJson.Read(args.Policy, diagnostics);
        if (module is null || diagnostics.HasErrors)
        {
            DiagnosticPrinter.Print(diagnostics, error);
            return 1;
        }

        DiagnosticPrinter.Print(diagnostics, error);
        return await AzureCompile.WriteSolutionAsync(module, policy, new DirectoryInfo(args.Output ?? "out"), output, error, ct);
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
        EmitTarget.Azure => throw new ArgumentOutOfRangeException(nameof(target), target, "azure writes a folder: see RunAsync"),
        _ => throw new ArgumentOutOfRangeException(nameof(target), target, "unknown emit target"),
    };
}
