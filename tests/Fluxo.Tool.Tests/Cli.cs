using System.CommandLine;
using System.Text.Json;
using Fluxo.TestSupport;

namespace Fluxo.Tool.Tests;

/// <summary>Runs the real command line in-process from the repository root, as a script would: exit code, stdout, stderr.</summary>
internal static class Cli
{
    private static readonly object Gate = new();

    public static (int Exit, string Out, string Err) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        lock (Gate)
        {
            var previous = Environment.CurrentDirectory;
            Environment.CurrentDirectory = RepoPaths.Root;
            try
            {
                var exit = Fluxo.Cli.Program.Invoke(args, new InvocationConfiguration { Output = output, Error = error });
                return (exit, output.ToString(), error.ToString());
            }
            finally
            {
                Environment.CurrentDirectory = previous;
            }
        }
    }

    /// <summary>Runs a command whose stdout must be one JSON document, and returns it parsed.</summary>
    public static (int Exit, JsonElement Json, string Err) Json(params string[] args)
    {
        var (exit, output, error) = Run(args);
        using var doc = JsonDocument.Parse(output);
        return (exit, doc.RootElement.Clone(), error);
    }

    public static string Sample(params string[] parts) => Path.Combine([RepoPaths.Samples, .. parts]);
}
