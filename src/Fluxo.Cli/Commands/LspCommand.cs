using System.CommandLine;
using Fluxo.Cli.Lsp;

namespace Fluxo.Cli.Commands;

/// <summary>`fluxo lsp`: Flimp diagnostics for editors over the Language Server Protocol (JSON-RPC on stdin/stdout).</summary>
internal static class LspCommand
{
    public static Command Create()
    {
        var cmd = new Command("lsp", "Serve diagnostics of .flimp files to editors over the Language Server Protocol (JSON-RPC on standard input and output).");
        cmd.SetAction(async (_, ct) => await LspServer.RunAsync(Console.OpenStandardInput(), Console.OpenStandardOutput(), ct));
        return cmd;
    }
}
