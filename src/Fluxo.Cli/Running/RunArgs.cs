using Fluxo.Cli.Shared;
using Fluxo.Runtime;

namespace Fluxo.Cli.Running;

/// <summary>The options of <c>fluxo run</c>, parsed.</summary>
internal sealed record RunArgs(
    string File,
    string? Handler,
    IReadOnlyList<string> Inputs,
    string? Workload,
    int Requests,
    string? Trace,
    string? TraceFormat,
    string? Policy,
    ClockMode Clock,
    ulong? Seed,
    string? Bindings,
    string? AzureStorage,
    string? Redis,
    string? Fixtures = null,
    bool AllowPrivate = false,
    OutputFormat Format = OutputFormat.Text,
    bool AllowStalePolicy = false,
    string? Tables = null,
    bool AllowInternal = false,
    double? TimeLimitSeconds = null);
