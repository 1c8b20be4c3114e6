using System.CommandLine;
using Fluxo.Cli.Shared;
using Fluxo.Diagnostics;
using Fluxo.Frontends;

namespace Fluxo.Cli.Commands;

/// <summary>`fluxo check FILE [--format text|json|sarif] [--warnaserror]`: parse and check a service.</summary>
internal static class CheckCommand
{
    public sealed record Arguments(string File, OutputFormat Format = OutputFormat.Text, bool WarningsAsErrors = false);

    public static Command Create()
    {
        var file = new Argument<FileInfo>("file") { Description = "The service to check: a .flimp source or an .ir.json file." };
        var format = CliOptions.Format(OutputFormat.Text, OutputFormat.Json, OutputFormat.Sarif);
        var warnAsError = new Option<bool>("--warnaserror") { Description = "Fail (exit 1) when there are warnings, as CI gates want." };
        var cmd = new Command("check", "Parse and check a service (syntax, names, types, restrictions). Prints diagnostics to stderr; exits 0 when clean, 1 on errors.")
        {
            file, format, warnAsError,
        };
        cmd.SetAction(parse => Run(
            new Arguments(parse.GetRequiredValue(file).ToString(), parse.GetValue(format), parse.GetValue(warnAsError)),
            parse.InvocationConfiguration.Output,
            parse.InvocationConfiguration.Error));
        return cmd;
    }

    public static int Run(Arguments args, TextWriter output, TextWriter error)
    {
        var diagnostics = new DiagnosticBag();
        var module = ServiceLoader.Load(args.File, diagnostics);
        var failed = module is null || WarningGate.Fails(diagnostics, args.WarningsAsErrors);
        DiagnosticPrinter.Print(diagnostics, error);
        var code = failed ? ExitCodes.Errors : ExitCodes.Ok;
        switch (args.Format)
        {
            case OutputFormat.Sarif:
                SarifOutput.Write(output, diagnostics.Sorted(), Environment.CurrentDirectory);
                break;
            case OutputFormat.Json:
                JsonOutput.Write(output, "check", code, diagnostics, w =>
                {
                    w.WriteString("file", args.File);
                    if (module is not null)
                    {
                        w.WriteString("service", module.Service);
                        w.WriteStartArray("handlers");
                        foreach (var g in module.Graphs)
                        {
                            w.WriteStartObject();
                            w.WriteString("name", g.Name);
                            w.WriteNumber("nodes", g.Nodes.Length);
                            w.WriteString("hash", g.Hash);
                            w.WriteEndObject();
                        }

                        w.WriteEndArray();
                    }
                });
                break;
            default:
                if (!failed)
                {
                    output.WriteLine($"{args.File}: service {module!.Service}, {module.Graphs.Length} handler(s), {module.Graphs.Sum(g => g.Nodes.Length)} nodes: ok");
                }

                break;
        }

        return code;
    }
}
