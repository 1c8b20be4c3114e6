namespace Fluxo.Diagnostics;

/// <summary>Codes FLX0300-0399: inputs a user hands to a command (files' encoding, request values on the command line).</summary>
public static partial class Diag
{
    public static Diagnostic InvalidUtf8(string path, int line, int column, long offset, byte value) =>
        Error("FLX0300", SourceSpan.At(path, line, column), $"the file is not valid UTF-8: byte 0x{value:X2} at offset {offset} does not start or continue a character");

    public static Diagnostic UnknownInput(string handler, string name, string known) =>
        Error("FLX0301", new SourceSpan("<command line>", 1, 1, 1, 1, "--input " + name), $"handler '{handler}' has no parameter '{name}'; it has: {known}");

    public static Diagnostic InputWrongType(string name, string text, string type, string problem) =>
        Error("FLX0302", new SourceSpan("<command line>", 1, 1, 1, 1, "--input " + name), $"input '{name}={text}' is not of type {type}: {problem}");

    public static Diagnostic InputMissing(string handler, string name, string type) =>
        Error("FLX0303", new SourceSpan("<command line>", 1, 1, 1, 1, "--input " + name), $"handler '{handler}' needs parameter '{name}' ({type}); pass --input {name}=VALUE");

    public static Diagnostic InputGivenTwice(string name) =>
        Error("FLX0304", new SourceSpan("<command line>", 1, 1, 1, 1, "--input " + name), $"input '{name}' is given more than once");

    public static Diagnostic RequestFailed(string path, string handler, string reason) =>
        Error("FLX0305", SourceSpan.None(path), $"request to '{handler}' failed: {reason}");
}
