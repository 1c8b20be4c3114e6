namespace Fluxo.Diagnostics;

// Command line and files (FLX9000-9999): codes added by the front-end branch.
public static partial class Diag
{
    public static Diagnostic UnknownServiceFormat(string path) =>
        Error("FLX9010", SourceSpan.None(path), $"'{path}' is not a service Fluxo can read; expected a .flimp source or an .ir.json file");

    public static Diagnostic IrMalformed(string path, int line, int column, string reason) =>
        Error("FLX9011", SourceSpan.At(path, line, column), $"IR JSON is not valid: {reason}");

    public static Diagnostic NoSuchHandler(string path, string handler, string known) =>
        Error("FLX9012", SourceSpan.None(path), $"the service has no handler '{handler}'; it has: {known}");

    public static Diagnostic OutputUnwritable(string path, string reason) =>
        Error("FLX9013", SourceSpan.None(path), $"cannot write '{path}': {reason}");
}
