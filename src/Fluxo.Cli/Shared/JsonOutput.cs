using System.Reflection;
using System.Text;
using System.Text.Json;
using Fluxo.Diagnostics;

namespace Fluxo.Cli.Shared;

/// <summary>
/// The `--format json` document every command writes: one object with the command, its exit code, its own
/// result fields and every diagnostic, so a script reads one thing whatever happened.
/// </summary>
internal static class JsonOutput
{
    public static void Write(TextWriter output, string command, int exitCode, DiagnosticBag diagnostics, Action<Utf8JsonWriter>? result = null)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("command", command);
            w.WriteNumber("exitCode", exitCode);
            w.WriteBoolean("ok", exitCode == ExitCodes.Ok);
            result?.Invoke(w);
            w.WriteStartArray("diagnostics");
            foreach (var d in diagnostics.Sorted())
            {
                Diagnostic(w, d);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        output.WriteLine(Encoding.UTF8.GetString(stream.ToArray()));
    }

    public static void Diagnostic(Utf8JsonWriter w, Diagnostic d)
    {
        w.WriteStartObject();
        w.WriteString("code", d.Code);
        w.WriteString("severity", Severity(d.Severity));
        w.WriteString("file", d.Span.File);
        w.WriteNumber("line", d.Span.Line);
        w.WriteNumber("column", d.Span.Column);
        w.WriteNumber("endLine", d.Span.EndLine);
        w.WriteNumber("endColumn", d.Span.EndColumn);
        if (d.Span.Path is not null)
        {
            w.WriteString("jsonPath", d.Span.Path);
        }

        w.WriteString("message", d.Message);
        w.WriteEndObject();
    }

    public static string Severity(Severity s) => s switch
    {
        Diagnostics.Severity.Error => "error",
        Diagnostics.Severity.Warning => "warning",
        _ => "info",
    };

    /// <summary>The version `fluxo --version` prints and the tool package carries.</summary>
    public static string ToolVersion { get; } =
        typeof(JsonOutput).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
}

/// <summary>Diagnostics as SARIF 2.1.0, the format code-scanning services read (one run, one rule per code).</summary>
internal static class SarifOutput
{
    public const string Schema = "https://json.schemastore.org/sarif-2.1.0.json";

    public static void Write(TextWriter output, IReadOnlyList<Diagnostic> diagnostics, string baseDirectory)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("$schema", Schema);
            w.WriteString("version", "2.1.0");
            w.WriteStartArray("runs");
            w.WriteStartObject();
            w.WriteStartObject("tool");
            w.WriteStartObject("driver");
            w.WriteString("name", "fluxo");
            w.WriteString("version", JsonOutput.ToolVersion.Split('+')[0]);
            w.WriteStartArray("rules");
            var codes = diagnostics.Select(d => d.Code).Distinct().Order(StringComparer.Ordinal).ToList();
            foreach (var code in codes)
            {
                w.WriteStartObject();
                w.WriteString("id", code);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteStartArray("results");
            foreach (var d in diagnostics)
            {
                Result(w, d, codes.IndexOf(d.Code), baseDirectory);
            }

            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
        }

        output.WriteLine(Encoding.UTF8.GetString(stream.ToArray()));
    }

    private static void Result(Utf8JsonWriter w, Diagnostic d, int ruleIndex, string baseDirectory)
    {
        w.WriteStartObject();
        w.WriteString("ruleId", d.Code);
        w.WriteNumber("ruleIndex", ruleIndex);
        w.WriteString("level", d.Severity switch { Severity.Error => "error", Severity.Warning => "warning", _ => "note" });
        w.WriteStartObject("message");
        w.WriteString("text", d.Span.Path is null ? d.Message : $"{d.Message} (at {d.Span.Path})");
        w.WriteEndObject();
        // Only real files get a location: "<command line>" and the like are not artifacts a scanner can open.
        if (!d.Span.File.StartsWith('<') && File.Exists(d.Span.File))
        {
            w.WriteStartArray("locations");
            w.WriteStartObject();
            w.WriteStartObject("physicalLocation");
            w.WriteStartObject("artifactLocation");
            w.WriteString("uri", Uri(d.Span.File, baseDirectory));
            w.WriteEndObject();
            w.WriteStartObject("region");
            w.WriteNumber("startLine", Math.Max(1, d.Span.Line));
            w.WriteNumber("startColumn", Math.Max(1, d.Span.Column));
            w.WriteNumber("endLine", Math.Max(d.Span.Line, d.Span.EndLine));
            w.WriteNumber("endColumn", Math.Max(1, d.Span.EndColumn));
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndArray();
        }

        w.WriteEndObject();
    }

    /// <summary>Relative to the working directory when inside it (as code scanning wants), else an absolute file URI.</summary>
    private static string Uri(string file, string baseDirectory)
    {
        var full = Path.GetFullPath(file);
        var relative = Path.GetRelativePath(baseDirectory, full);
        return relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative)
            ? new Uri(full).AbsoluteUri
            : string.Join('/', relative.Split(Path.DirectorySeparatorChar).Select(System.Uri.EscapeDataString));
    }
}
