using Fluxo.Diagnostics;

namespace Fluxo.Cli.Shared;

/// <summary>Writes a command's result to a file ('-' is standard output), reporting failures as diagnostics.</summary>
internal static class OutputFile
{
    public static bool TryWrite(string path, string text, TextWriter standardOutput, DiagnosticBag diagnostics)
    {
        if (path == CliOptions.StandardOutput)
        {
            standardOutput.Write(text);
            return true;
        }

        try
        {
            var dir = Path.GetDirectoryName(Path.GetFullPath(path));
            if (dir is not null)
            {
                Directory.CreateDirectory(dir);
            }

            File.WriteAllText(path, text);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            diagnostics.Add(Diag.OutputUnwritable(path, e.Message));
            return false;
        }
    }
}
