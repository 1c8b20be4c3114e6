namespace Fluxo.Diagnostics;

/// <summary>Codes FLX7000-7099: limits and safety checks that keep hostile or careless input from reaching generated code, disks or the process stack.</summary>
public static partial class Diag
{
    public static Diagnostic AzureNameUnusable(string name, string reason) =>
        Error("FLX7001", SourceSpan.None(name), $"the Azure back end cannot use the name '{name}': {reason}");

    public static Diagnostic PolicyInvalid(string path, string where, string reason) =>
        Error("FLX7002", new SourceSpan(path, 1, 1, 1, 1, where), $"policy is invalid: {reason}");

    public static Diagnostic OutputFolderNotOurs(string path) =>
        Error("FLX7003", SourceSpan.None(path), $"'{path}' is not empty and was not written by fluxo compile (no {GeneratedMarker} file): choose an empty or new folder");

    public static Diagnostic OutputFolderRefused(string path, string what) =>
        Error("FLX7004", SourceSpan.None(path), $"fluxo compile does not write into {what} ('{path}'): choose an empty or new folder");

    public static Diagnostic SubPipeIdNotAName(SourceSpan span, string pipeId) =>
        Error("FLX7005", span, $"sub-pipe id 'pipe:{pipeId}' is not a plain name (letters, digits, '_' and '-'): it would be read as a path");

    public static Diagnostic PipeTooLarge(SourceSpan span, string pipeId, int limit) =>
        Error("FLX7006", span, $"with sub-pipe 'pipe:{pipeId}' this pipe expands to more than {limit:N0} modules (each sub-pipe call embeds a copy of it): call fewer sub-pipes, or nest them less deeply");

    public static Diagnostic RunInterrupted(string service, string? trace, long written) =>
        Error("FLX7010", SourceSpan.None(service), trace is null
            ? "fluxo run was stopped (SIGINT or SIGTERM) before it finished"
            : $"fluxo run was stopped (SIGINT or SIGTERM) before it finished; the trace '{trace}' is complete and holds the {written:N0} requests that finished");

    public static Diagnostic RunBadTimeLimit(double seconds) =>
        Error("FLX7011", new SourceSpan("<command line>", 1, 1, 1, 1, "--time-limit"), $"--time-limit must be a number of seconds, 0 or more, not {seconds}");

    /// <summary>A trace whose closing checksum differs from its content: located at the checksum line (text) or byte (binary).</summary>
    public static Diagnostic TraceChecksumMismatch(string path, int line, long? byteOffset = null) =>
        Error("FLX7050", byteOffset is { } at ? new SourceSpan(path, 1, 1, 1, 1, $"byte {at}") : SourceSpan.At(path, line, 1),
            "the trace's checksum does not match its content: it was edited or damaged after it was written (a hash, time or id changed, lines or bytes added or lost); record it again");

    /// <summary>The file that marks a folder as fluxo compile's output and lists what it wrote there.</summary>
    public const string GeneratedMarker = ".fluxo-generated";
}
