using System.CommandLine;
using Fluxo.Cli.Deployed;
using Fluxo.Cli.Shared;
using Fluxo.Diagnostics;
using Fluxo.Frontends;
using Fluxo.Runtime.Externs;

namespace Fluxo.Cli.Commands;

/// <summary>
/// `fluxo standins FILE --port P`: serves a service's externs on loopback from its bindings' stand-ins (the answers
/// and the latencies <c>fluxo run</c> uses, slept for real), over the extern protocol the generated service speaks:
/// POST /&lt;extern&gt; with a JSON object of the arguments, answered with the result as JSON.
/// </summary>
internal static class StandInsCommand
{
    public sealed record Arguments(string File, string? Bindings, int Port, ulong Seed);

    public static Command Create()
    {
        var file = new Argument<string>("file") { Description = "The service whose externs to stand in for (.flimp or .ir.json)." };
        var bindings = new Option<string?>("--bindings") { Description = "Bindings file (default: <service>.bindings.json beside the service)." };
        var port = new Option<int>("--port") { Description = "Loopback port to listen on.", Required = true };
        var seed = new Option<ulong>("--seed") { Description = "Seed for the drawn latencies.", DefaultValueFactory = _ => 1 };
        var cmd = new Command("standins", "Serve a service's extern stand-ins over HTTP on 127.0.0.1 (for running the generated service locally); stops on Ctrl+C.")
        {
            file, bindings, port, seed,
        };
        cmd.SetAction((parse, ct) => RunAsync(
            new Arguments(parse.GetRequiredValue(file), parse.GetValue(bindings), parse.GetValue(port), parse.GetValue(seed)),
            parse.InvocationConfiguration.Output,
            parse.InvocationConfiguration.Error,
            ct));
        return cmd;
    }

    public static async Task<int> RunAsync(Arguments args, TextWriter output, TextWriter error, CancellationToken ct)
    {
        var diags = new DiagnosticBag();
        var module = ServiceLoader.Load(args.File, diags);
        using var http = new HttpClient();
        var bindings = module is null || diags.HasErrors ? null : ServiceBindings.Read(args.Bindings ?? ServiceBindings.PathBeside(args.File), module, http, diags);
        if (module is null || bindings is null || diags.HasErrors)
        {
            DiagnosticPrinter.Print(diags, error);
            return 1;
        }

        var served = await StandInServer.ServeAsync(module, bindings, args.Port, args.Seed, () =>
        {
            output.WriteLine($"stand-ins for {string.Join(", ", module.Externs.Select(e => e.Name))} on http://127.0.0.1:{args.Port}/");
            output.Flush();
        }, diags, ct);
        DiagnosticPrinter.Print(diags, error);
        return served ? 0 : 1;
    }
}
