using System.Buffers;
using System.Text;
using System.Text.Unicode;

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
            return Decode(path, File.ReadAllBytes(path), diagnostics);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            diagnostics.Add(Diag.FileUnreadable(path, e.Message));
            return null;
        }
    }

    /// <summary>
    /// Text is UTF-8 (a UTF-16 or UTF-32 byte-order mark is honoured). An invalid byte is an error at its line and
    /// column: decoding it leniently would turn it into U+FFFD silently, so a string literal would hold a value the
    /// author never wrote.
    /// </summary>
    public static string? Decode(string path, byte[] bytes, DiagnosticBag diagnostics)
    {
        if (bytes is [0xFF, 0xFE, ..] or [0xFE, 0xFF, ..] or [0, 0, 0xFE, 0xFF, ..])
        {
            using var reader = new StreamReader(new MemoryStream(bytes), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
            return reader.ReadToEnd();
        }

        ReadOnlySpan<byte> text = bytes is [0xEF, 0xBB, 0xBF, ..] ? bytes.AsSpan(3) : bytes;
        var chars = new char[text.Length];
        var status = Utf8.ToUtf16(text, chars, out var read, out var written, replaceInvalidSequences: false);
        if (status == OperationStatus.Done)
        {
            return new string(chars, 0, written);
        }

        var lineStart = text[..read].LastIndexOf((byte)'\n') + 1;
        var line = text[..read].Count((byte)'\n') + 1;
        var column = Encoding.UTF8.GetCharCount(text[lineStart..read]) + 1;
        diagnostics.Add(Diag.InvalidUtf8(path, line, column, read + (bytes.Length - text.Length), text[read]));
        return null;
    }
}
