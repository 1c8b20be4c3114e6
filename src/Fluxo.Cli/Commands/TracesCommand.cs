using System.CommandLine;
using System.Globalization;
using Fluxo.Cli.Deployed;
using Fluxo.Cli.Shared;
using Fluxo.Diagnostics;
using Fluxo.Frontends;
using Fluxo.Trace;

namespace Fluxo.Cli.Commands;

/// <summary>`fluxo traces pull FILE --storage CONN [--from T] [--to T] -o OUT`: one trace from the blobs a deployed service wrote.</summary>
internal static class TracesCommand
{
    public sealed record PullArgs(string File, string Storage, string Container, DateTimeOffset? From, DateTimeOffset? To, string Output);

    public static Command Create()
    {
        var file = new Argument<string>("file") { Description = "The service the traces come from (.flimp or .ir.json): traces of another version are refused." };
        var storage = new Option<string>("--storage") { Description = "The storage account's connection string (the service's ConnectionStrings:Storage).", Required = true };
        var container = new Option<string>("--container") { Description = "The blob container the service writes traces to.", DefaultValueFactory = _ => "fluxo-traces" };
        var from = new Option<string?>("--from") { Description = "Keep requests that arrived at or after this time (ISO 8601, UTC unless an offset is given)." };
        var to = new Option<string?>("--to") { Description = "Keep requests that arrived before this time." };
        var output = new Option<string>("--output", "-o") { Description = "Write the joined trace here (binary unless the name ends in .log/.txt).", Required = true };
        var pull = new Command("pull", "Download the deployed service's trace blobs for a time range, join the front-end and worker parts of each request and write one trace ordered by time.")
        {
            file, storage, container, from, to, output,
        };
        pull.SetAction(async (parse, ct) =>
        {
            var err = parse.InvocationConfiguration.Error;
            var diags = new DiagnosticBag();
            var fromTime = Time(parse.GetValue(from), "--from", diags);
            var toTime = Time(parse.GetValue(to), "--to", diags);
            if (diags.HasErrors)
            {
                DiagnosticPrinter.Print(diags, err);
                return 1;
            }

            var args = new PullArgs(parse.GetRequiredValue(file), parse.GetRequiredValue(storage), parse.GetValue(container) ?? "fluxo-traces", fromTime, toTime, parse.GetRequiredValue(output));
            return await PullAsync(args, parse.InvocationConfiguration.Output, err, ct);
        });
        return new Command("traces", "Work with traces: pull a deployed service's, sample one, convert between the binary and text forms.") { pull, SampleCommand(), TraceConvertCommand.Create() };
    }

    /// <summary>`fluxo traces sample FILE TRACE --rate R -o OUT`: the spatial sample a service sampling at R would have recorded.</summary>
    private static Command SampleCommand()
    {
        var file = new Argument<string>("file") { Description = "The service the trace comes from." };
        var trace = new Argument<string>("trace") { Description = "The whole trace." };
        var rate = new Option<double>("--rate") { Description = "Fraction of the key space to keep, in (0, 1].", Required = true };
        var output = new Option<string>("--output", "-o") { Description = "Write the sampled trace here.", Required = true };
        var cmd = new Command("sample", "Keep the requests whose key fields hash below the rate (Fluxo.Trace.SpatialSampling, as a deployed service samples); the rate goes in the header.")
        {
            file, trace, rate, output,
        };
        cmd.SetAction(parse =>
        {
            var diags = new DiagnosticBag();
            var module = ServiceLoader.Load(parse.GetRequiredValue(file), diags);
            var data = module is null || diags.HasErrors ? null : TraceFile.Read(parse.GetRequiredValue(trace), module, diags);
            var r = parse.GetValue(rate);
            if (data is not null && !(r > 0 && r <= 1))
            {
                diags.Add(Diag.TracesBadRate(r));
            }

            if (data is null || diags.HasErrors)
            {
                DiagnosticPrinter.Print(diags, parse.InvocationConfiguration.Error);
                return 1;
            }

            var sampled = TraceSample.Keep(module!, data, r);
            if (!TraceOutput.TryWrite(parse.GetRequiredValue(output), sampled, diags))
            {
                DiagnosticPrinter.Print(diags, parse.InvocationConfiguration.Error);
                return 1;
            }

            parse.InvocationConfiguration.Output.WriteLine($"kept {sampled.Requests.Count} of {data.Requests.Count} requests (rate {r.ToString(CultureInfo.InvariantCulture)})");
            return 0;
        });
        return cmd;
    }

    private static DateTimeOffset? Time(string? text, string option, DiagnosticBag diags)
    {
        if (text is null)
        {
            return null;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t))
        {
            return t;
        }

        diags.Add(Diag.TracesBadTime(option, text));
        return null;
    }

    public static async Task<int> PullAsync(PullArgs args, TextWriter output, TextWriter error, CancellationToken ct)
    {
        var diags = new DiagnosticBag();
        var module = ServiceLoader.Load(args.File, diags);
        if (module is null || diags.HasErrors)
        {
            DiagnosticPrinter.Print(diags, error);
            return 1;
        }

        var parts = await TraceBlobs.ReadAsync(module, args.Storage, args.Container, args.From, args.To, diags, ct);
        DiagnosticPrinter.Print(diags, error);
        if (diags.HasErrors)
        {
            return 1;
        }

        var (trace, report) = DeployedTraces.Join(module, parts, args.From?.ToUnixTimeMilliseconds(), args.To?.ToUnixTimeMilliseconds());
        var write = new DiagnosticBag();
        if (!TraceOutput.TryWrite(args.Output, trace, write))
        {
            DiagnosticPrinter.Print(write, error);
            return 1;
        }

        output.WriteLine($"{report.Requests} requests from {report.Parts} blobs -> {args.Output} (sample rate {trace.Header.SampleRate.ToString(CultureInfo.InvariantCulture)})");
        output.WriteLine($"  joined front end + worker: {report.Joined}; recorded whole by one tier: {report.WithoutFrontEnd}; front-end part without its worker part (lost): {report.WithoutWorker}");
        output.WriteLine($"  bytes lost at the end of cut-off blobs: {report.LostBytes}; requests the service could not trace (dropped): {report.DroppedRequests}");
        return 0;
    }
}
