using System.CommandLine;
using Fluxo.Diagnostics;
using Fluxo.Frontends;

namespace Fluxo.Cli.Commands;

/// <summary>`fluxo check FILE`: parse and check a service; diagnostics on stderr, exit 1 on errors.</summary>
internal static class CheckCommand
{
    public sealed record Arguments(string File);

    public static Command Create()
    {
        var file = new Argument<FileInfo>("file") { Description = "The service to check: a .flimp source or an .ir.json file." };
        var cmd = new Command("check", "Parse and check a service (syntax, names, types, restrictions). Prints diagnostics to stderr; exits 0 when clean, 1 on errors.")
        {
            file,
        };
        cmd.SetAction(parse => Run(new Arguments(parse.GetRequiredValue(file).ToString()), parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error));
        return cmd;
    }

    public static int Run(Arguments args, TextWriter output, TextWriter error)
    {
        var diagnostics = new DiagnosticBag();
        var module = ServiceLoader.Load(args.File, diagnostics);
        DiagnosticPrinter.Print(diagnostics, error);
        if (module is null || diagnostics.HasErrors)
        {
            return 1;
        }

        output.WriteLine($"{args.File}: service {module.Service}, {module.Graphs.Length} handler(s), {module.Graphs.Sum(g => g.Nodes.Length)} nodes: ok");
        return 0;
    }
}
