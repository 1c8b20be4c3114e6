using System.Text.Json;
using Fluxo.Ir;

namespace Fluxo.Trace;

/// <summary>JSON options for the trace header (same naming as the IR).</summary>
public static class TraceJson
{
    public static readonly JsonSerializerOptions Options = new(IrJson.Options) { WriteIndented = false };
}
