using System.CommandLine;
using Fluxo.Diagnostics;
using Fluxo.Ir;
using Fluxo.Pipes;

namespace Fluxo.Cli.Commands;

/// <summary>`fluxo graph PIPE.json`: the pipe's dataflow graph as Graphviz DOT (or its IR as JSON).</summary>
internal static class PipeGraphCommand
{
    public sealed record Args(string Pipe, bool Ir);

    public static Command Create()
    {
        var pipe = new Argument<string>("pipe") { Description = "The pipe definition (Yahoo Pipes JSON)." };
        var ir = new Option<bool>("--ir") { Description = "Print the IR as JSON instead of DOT." };
        var cmd = new Command("graph", "Draw a pipe's dataflow graph (Graphviz DOT); grey nodes are pre-computable.") { pipe, ir };
        cmd.SetAction(parse => Run(new Args(parse.GetValue(pipe)!, parse.GetValue(ir)), parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error));
        return cmd;
    }

    public static int Run(Args args, TextWriter output, TextWriter error)
    {
        var diags = new DiagnosticBag();
        var module = PipeImporter.ImportFile(args.Pipe, null, diags);
        foreach (var d in diags.Sorted())
        {
            error.WriteLine(d.Format());
        }

        if (module is null)
        {
            return 1;
        }

        output.Write(args.Ir ? IrJson.Serialize(module) : GraphDot.Write(module.Graphs[0]));
        return 0;
    }
}
