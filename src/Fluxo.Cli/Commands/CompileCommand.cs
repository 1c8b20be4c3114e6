using System.CommandLine;
using Fluxo.Cli.Shared;
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

    public sealed record Arguments(string File, EmitTarget Emit, string? Output, string? Policy = null, bool WarningsAsErrors = false, bool AllowStalePolicy = false);

    public static Command Create()
    {
        var file = new Argument<FileInfo>("file") { Description = "The service to compile: a .flimp source or an .ir.json file." };
        var emit = CliOptions.Choice(
            "--emit",
            "What to produce. azure: a .NET solution for Azure (front end, workers, queues, tables, Redis caches) in the -o folder (default out). "
                + "ir: the dataflow IR as JSON (one graph per handler, every node with its properties).",
            EmitTarget.Azure);
        var output = CliOptions.Output("azure: the folder to write the solution to (default out). ir: write to this file instead of standard output.");
        var policy = new Option<FileInfo?>("--policy", "-p") { Description = "azure: build the optimizer's decisions (policy.json from fluxo optimize) into the service." };
        var warnAsError = new Option<bool>("--warnaserror") { Description = "Fail (exit 1) when there are warnings, as CI gates want." };
        var allowStale = new Option<bool>("--allow-stale-policy") { Description = "Drop (and list) policy decisions made for another version of a handler instead of failing." };
        var cmd = new Command("compile", "Compile a service. Prints diagnostics to stderr and exits 1 on errors.") { file, emit, output, policy, warnAsError, allowStale };
        cmd.SetAction((parse, ct) => RunAsync(
            new Arguments(parse.GetRequiredValue(file).ToString(), parse.GetValue(emit), parse.GetValue(output), parse.GetValue(policy)?.ToString(), parse.GetValue(warnAsError), parse.GetValue(allowStale)),
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
        if (args.Output == CliOptions.StandardOutput)
        {
            diagnostics.Add(Diag.OutputNotAFolder("--emit azure -o"));
            DiagnosticPrinter.Print(diagnostics, error);
            return ExitCodes.Usage;
        }

        var module = ServiceLoader.Load(args.File, diagnostics);
        var policy = args.Policy is null || module is null ? null : PolicyJson.ReadFor(module, args.Policy, args.AllowStalePolicy, diagnostics);
        if (module is null || WarningGate.Fails(diagnostics, args.WarningsAsErrors))
        {
            DiagnosticPrinter.Print(diagnostics, error);
            return 1;
        }

        DiagnosticPrinter.Print(diagnostics, error);
        return await AzureCompile.WriteSolutionAsync(module, policy, new DirectoryInfo(args.Output ?? "out"), output, error, ct, args.WarningsAsErrors);
    }

    public static int Run(Arguments args, TextWriter output, TextWriter error)
    {
        var diagnostics = new DiagnosticBag();
        var module = ServiceLoader.Load(args.File, diagnostics);
        if (module is null || WarningGate.Fails(diagnostics, args.WarningsAsErrors))
        {
            DiagnosticPrinter.Print(diagnostics, error);
            return 1;
        }

        var text = Emit(module, args.Emit);
        if (!OutputFile.TryWrite(args.Output ?? CliOptions.StandardOutput, text, output, diagnostics))
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
