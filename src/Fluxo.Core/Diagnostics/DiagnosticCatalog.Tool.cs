namespace Fluxo.Diagnostics;

// The command line as a tool for scripts and CI (FLX9200-9299).
public static partial class Diag
{
    public static Diagnostic CommandLine(string message) =>
        Error("FLX9200", SourceSpan.None("<command line>"), message);

    public static Diagnostic OutputNotAFolder(string option) =>
        Error("FLX9201", SourceSpan.None("<command line>"), $"{option} names a folder here; '-' (standard output) cannot hold a folder");

    public static Diagnostic WarningsAsErrors(int count) =>
        Error("FLX9202", SourceSpan.None("<command line>"), $"--warnaserror: {count} warning(s) reported, so the command fails");

    public static Diagnostic Regression(string baseline, string objective, double baselineMs, double chosenMs, double percent, double allowedPercent) =>
        Error("FLX9203", SourceSpan.None(baseline), $"the baseline policy replayed on this trace has {objective} {baselineMs:0.###} ms against {chosenMs:0.###} ms for the new choice: {percent:0.##}% worse, more than the {allowedPercent:0.##}% allowed");

    public static Diagnostic BadPercent(string option, string text) =>
        Error("FLX9204", SourceSpan.None("<command line>"), $"{option} takes a percentage such as 5% or 2.5%, not '{text}'");

    public static Diagnostic ChartsUnavailable(string folder, string reason) =>
        Error("FLX9205", SourceSpan.None(folder), $"the report's charts could not be drawn (ScottPlot and its SkiaSharp native library): {reason}");
}
