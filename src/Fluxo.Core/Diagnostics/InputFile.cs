namespace Fluxo.Diagnostics;

/// <summary>Reads an input file for any stage: a missing or unreadable file becomes a diagnostic, never an exception.</summary>
public static class InputFile
{
    public static string? ReadText(string path, DiagnosticBag diagnostics)
    {
        if (!File.Exists(path))
        {
            diagnostics.Add(Diag.FileNotFound(path));
            return null;
        }

        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            diagnostics.Add(Diag.FileUnreadable(path, e.Message));
            return null;
        }
    }
}
