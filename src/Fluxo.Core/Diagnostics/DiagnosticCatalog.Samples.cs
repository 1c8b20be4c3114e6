namespace Fluxo.Diagnostics;

// The samples report (FLX9100-9109).
public static partial class Diag
{
    public static Diagnostic NoSamples(string path) =>
        Error("FLX9100", SourceSpan.None(path), $"no sample folder under '{path}' has a service <name>/<name>.flimp with a workload-*.json beside it");

    public static Diagnostic SampleRunFailed(string path, string reason) =>
        Error("FLX9101", SourceSpan.None(path), $"the sample could not be measured: {reason}");
}
