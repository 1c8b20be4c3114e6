using System.CommandLine;
using Fluxo.Cli.Shared;
using Fluxo.Diagnostics;
using Fluxo.Trace;

namespace Fluxo.Cli.Commands;

/// <summary>`fluxo traces convert IN OUT [--to binary|text]`: rewrites a trace in the other form, streaming, so any size converts.</summary>
internal static class TraceConvertCommand
{
    public sealed record Arguments(string Input, string Output, string? To);

    public static Command Create()
    {
        var input = new Argument<string>("input") { Description = "A trace in either form (told apart by its first bytes)." };
        var output = new Argument<string>("output") { Description = "Where to write the converted trace." };
        var to = new Option<string?>("--to") { Description = "binary or text (default: the form the input is not in)." };
        var cmd = new Command("convert", "Rewrite a trace in the binary or the text form; both read back identically.") { input, output, to };
        cmd.SetAction(parse => Run(
            new Arguments(parse.GetRequiredValue(input), parse.GetRequiredValue(output), parse.GetValue(to)),
            parse.InvocationConfiguration.Output,
            parse.InvocationConfiguration.Error));
        return cmd;
    }

    public static int Run(Arguments args, TextWriter output, TextWriter error)
    {
        var diagnostics = new DiagnosticBag();
        if (args.To is not (null or "binary" or "text"))
        {
            diagnostics.Add(Diag.TraceConvertFormat(args.To));
        }
        else if (!File.Exists(args.Input))
        {
            diagnostics.Add(Diag.FileNotFound(args.Input));
        }
        else if (Path.GetFullPath(args.Input) == Path.GetFullPath(args.Output))
        {
            diagnostics.Add(Diag.OutputUnwritable(args.Output, "it is the input trace"));
        }

        long written = 0;
        var binary = args.To == "binary" || (args.To is null && !diagnostics.HasErrors && !TraceFile.IsBinary(args.Input));
        if (!diagnostics.HasErrors)
        {
            var sink = new Rewrite(args.Output, binary, diagnostics);
            var ok = TraceFile.Scan(args.Input, diagnostics, sink);
            written = sink.Finish(ok);
        }

        DiagnosticPrinter.Print(diagnostics, error);
        if (diagnostics.HasErrors)
        {
            return 1;
        }

        output.WriteLine($"wrote {args.Output}: {written} requests, {(binary ? "binary" : "text")}");
        return 0;
    }

    /// <summary>Writes each request as it is read; a failed read leaves no partial output behind.</summary>
    private sealed class Rewrite(string path, bool binary, DiagnosticBag diagnostics) : ITraceSink
    {
        private TraceWriter? _writer;

        public bool Begin(TraceHeader header)
        {
            try
            {
                _writer = TraceWriter.Create(path, header, binary);
                return true;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                diagnostics.Add(Diag.OutputUnwritable(path, e.Message));
                return false;
            }
        }

        public bool Request(in RequestHead head, ReadOnlySpan<NodeEvent> nodes, ReadOnlySpan<EdgeEvent> edges)
        {
            _writer!.Write(head, nodes, edges);
            return true;
        }

        public long Finish(bool ok)
        {
            var count = _writer?.RequestCount ?? 0;
            try
            {
                _writer?.Dispose();
            }
            catch (IOException e)
            {
                diagnostics.Add(Diag.OutputUnwritable(path, e.Message));
                ok = false;
            }

            if (!ok && _writer is not null)
            {
                File.Delete(path);
            }

            return count;
        }
    }
}
