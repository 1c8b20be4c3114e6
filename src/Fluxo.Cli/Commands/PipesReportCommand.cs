using System.CommandLine;
using Fluxo.Cli.Optimizing;
using Fluxo.Cli.Shared;
using Fluxo.Diagnostics;
using Fluxo.Pipes.Modules;
using Fluxo.Pipes.Running;

namespace Fluxo.Cli.Commands;

/// <summary>`fluxo pipes-report DIR`: imports (and with fixtures, runs) every pipe and lists its pre-computable nodes.</summary>
internal static class PipesReportCommand
{
    public sealed record Args(string Directory, string? Fixtures, OutputFormat Format = OutputFormat.Text);

    public static Command Create()
    {
        var dir = new Argument<string>("dir") { Description = "A directory of pipe definitions (*.json)." };
        var fixtures = new Option<string?>("--fixtures") { Description = "Run each pipe offline against DIR/urls.tsv." };
        var format = CliOptions.Format(OutputFormat.Text, OutputFormat.Json);
        var cmd = new Command("pipes-report", "For every pipe: imported, ran (or why not), item count, pre-computable nodes; with totals.") { dir, fixtures, format };
        cmd.SetAction((parse, ct) => RunAsync(new Args(parse.GetValue(dir)!, parse.GetValue(fixtures), parse.GetValue(format)), parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, ct));
        return cmd;
    }

    public static async Task<int> RunAsync(Args args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var diags = new DiagnosticBag();
        if (!Directory.Exists(args.Directory))
        {
            diags.Add(Diag.FileNotFound(args.Directory));
            return Fail(args, output, error, diags);
        }

        PipeRunOptions? run = null;
        if (args.Fixtures is not null)
        {
            var fetcher = Fluxo.Pipes.Fetching.Fetchers.Open(args.Fixtures, false, diags);
            if (fetcher is null)
            {
                return Fail(args, output, error, diags);
            }

            run = PipeRunOptions.With(fetcher);
        }

        var rows = await PipeReport.BuildAsync(args.Directory, run, cancellationToken);
        var study = Optimizing.PrecomputeStudy.Build(args.Directory);
        if (args.Format == OutputFormat.Json)
        {
            JsonOutput.Write(output, "pipes-report", ExitCodes.Ok, diags, w => WriteJson(w, rows, study));
            return ExitCodes.Ok;
        }

        PipeReport.Write(rows, output);
        Optimizing.PrecomputeStudy.Write(study, output);
        return 0;
    }

    private static int Fail(Args args, TextWriter output, TextWriter error, DiagnosticBag diags)
    {
        DiagnosticPrinter.Print(diags, error);
        if (args.Format == OutputFormat.Json)
        {
            JsonOutput.Write(output, "pipes-report", ExitCodes.Errors, diags);
        }

        return ExitCodes.Errors;
    }

    private static void WriteJson(System.Text.Json.Utf8JsonWriter w, IReadOnlyList<PipeReportRow> rows, IReadOnlyList<Optimizing.PrecomputeStudy.Row> study)
    {
        var precomputable = study.ToDictionary(r => r.File, StringComparer.Ordinal);
        w.WriteStartArray("pipes");
        foreach (var r in rows)
        {
            w.WriteStartObject();
            w.WriteString("file", r.File);
            w.WriteBoolean("imported", r.Imported);
            if (r.Ran is { } ran)
            {
                w.WriteBoolean("ran", ran);
            }

            if (r.Items is { } items)
            {
                w.WriteNumber("items", items);
            }

            if (r.Reason is not null)
            {
                w.WriteString("reason", r.Reason);
            }

            if (!r.Warnings.IsEmpty)
            {
                w.WriteStartArray("warnings");
                foreach (var warning in r.Warnings)
                {
                    w.WriteStringValue(warning);
                }

                w.WriteEndArray();
            }

            w.WriteNumber("moduleNodes", r.ModuleNodes);
            w.WriteStartArray("precomputableModules");
            foreach (var p in r.Precomputable)
            {
                w.WriteStringValue(p);
            }

            w.WriteEndArray();
            if (precomputable.TryGetValue(r.File, out var s))
            {
                w.WriteStartObject("optimizerPrecompute");
                w.WriteNumber("nodes", s.Nodes);
                w.WriteNumber("precomputable", s.Precomputable);
                w.WriteEndObject();
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartObject("totals");
        w.WriteNumber("pipes", rows.Count);
        w.WriteNumber("imported", rows.Count(r => r.Imported));
        w.WriteNumber("ran", rows.Count(r => r.Ran == true));
        w.WriteNumber("withPrecomputableNodes", study.Count(r => r.Precomputable > 0));
        w.WriteEndObject();
    }
}
