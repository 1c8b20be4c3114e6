namespace Fluxo.Diagnostics;

// Trace handling at scale (FLX1100-1199): sampling and conversion.
public static partial class Diag
{
    public static Diagnostic SampleRateInvalid(string path, double rate) =>
        Error("FLX1100", SourceSpan.None(path), $"--sample {rate.ToString(System.Globalization.CultureInfo.InvariantCulture)} is not a fraction in (0, 1]");

    public static Diagnostic TraceConvertFormat(string format) =>
        Error("FLX1101", SourceSpan.None(format), $"'{format}' is not a trace form; expected binary or text");
}
