namespace Fluxo.Diagnostics;

/// <summary>Yahoo Pipes: FLX3000-3099 importing a pipe, FLX3100-3199 running one, FLX3200-3299 added later (either).</summary>
public static partial class Diag
{
    public static Diagnostic PipeMalformedJson(string file, int line, int column, string reason) =>
        Error("FLX3001", SourceSpan.At(file, line, column), $"pipe is not valid JSON: {reason}");

    public static Diagnostic PipeBadShape(SourceSpan span, string what) =>
        Error("FLX3002", span, $"pipe definition is malformed: {what}");

    public static Diagnostic PipeUnknownModule(SourceSpan span, string moduleId, string type) =>
        Error("FLX3003", span, $"module '{moduleId}' has unknown type '{type}'");

    public static Diagnostic PipeDanglingWire(SourceSpan span, string wireId, string end, string moduleId) =>
        Error("FLX3004", span, $"wire '{wireId}' {end} module '{moduleId}', which does not exist");

    public static Diagnostic PipeCycle(SourceSpan span, IEnumerable<string> moduleIds) =>
        Error("FLX3005", span, $"wires form a cycle through modules {string.Join(", ", moduleIds)}");

    public static Diagnostic PipeSubPipeNotFound(SourceSpan span, string pipeId, string searched) =>
        Error("FLX3006", span, $"sub-pipe 'pipe:{pipeId}' not found (looked for pipe_{pipeId}.json in {searched})");

    public static Diagnostic PipeNoOutput(SourceSpan span) =>
        Error("FLX3007", span, "pipe has no output module");

    public static Diagnostic PipeUnconnectedModule(SourceSpan span, string moduleId, string type) =>
        Warning("FLX3008", span, $"module '{moduleId}' ({type}) does not feed the output and is ignored");

    public static Diagnostic PipeDuplicateModule(SourceSpan span, string moduleId) =>
        Error("FLX3009", span, $"two modules have the id '{moduleId}'");

    public static Diagnostic PipeSubPipeRecursive(SourceSpan span, string pipeId) =>
        Error("FLX3010", span, $"sub-pipe 'pipe:{pipeId}' calls itself");

    public static Diagnostic PipeFetchUnmapped(SourceSpan span, string url, string map) =>
        Error("FLX3101", span, $"no fixture for URL '{url}' in {map}");

    public static Diagnostic PipeFetchFailed(SourceSpan span, string url, string reason) =>
        Error("FLX3102", span, $"fetching '{url}' failed: {reason}");

    public static Diagnostic PipeFetchRefused(SourceSpan span, string url, string reason) =>
        Error("FLX3103", span, $"refused to fetch '{url}': {reason}");

    public static Diagnostic PipeServiceGone(SourceSpan span, string moduleId, string type, string why) =>
        Error("FLX3104", span, $"module '{moduleId}' ({type}) cannot run: {why}");

    public static Diagnostic PipeRegexFailed(SourceSpan span, string moduleId, string pattern, string reason) =>
        Error("FLX3105", span, $"module '{moduleId}': regular expression '{pattern}' {reason}");

    // FLX3106 (a response a fetch module cannot read stopped the pipe) is retired: it is warning FLX3200 now.

    public static Diagnostic PipeBadSetting(SourceSpan span, string moduleId, string setting, string reason) =>
        Error("FLX3107", span, $"module '{moduleId}' setting '{setting}': {reason}");

    public static Diagnostic PipeUnknownInput(string file, string name, IEnumerable<string> known) =>
        Error("FLX3108", SourceSpan.None(file), $"the pipe has no input '{name}' (inputs: {string.Join(", ", known)})");

    public static Diagnostic PipeFixturesUnreadable(string dir, string reason) =>
        Error("FLX3109", SourceSpan.None(dir), $"fixture directory cannot be used: {reason}");

    // FLX3110 (a pipe input not written as name=value) is retired: `fluxo run --input` reports FLX1042 for it.

    public static Diagnostic PipeModuleFailed(SourceSpan span, string moduleId, string type, string reason) =>
        Error("FLX3111", span, $"module '{moduleId}' ({type}) failed: {reason}");

    public static Diagnostic PipeNotData(SourceSpan span, string moduleId, string url, string reason) =>
        Warning("FLX3200", span, $"module '{moduleId}' got no items from '{url}': {reason}");

    public static Diagnostic PipeModuleRefused(SourceSpan span, string moduleId, string type, string name, string why) =>
        Error("FLX3201", span, $"module '{moduleId}' is Yahoo's {name} ('{type}'), which Fluxo does not run: {why}");

    public static Diagnostic PipeNoSuchOutput(SourceSpan span, string wireId, string moduleId, string type, string terminal, IEnumerable<string> outputs) =>
        Error("FLX3202", span, $"wire '{wireId}' comes from output '{terminal}' of module '{moduleId}' ({type}), which has only {string.Join(" and ", outputs)}");
}
