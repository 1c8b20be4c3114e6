using System.Collections.Immutable;
using Fluxo.Diagnostics;
using Fluxo.Ir;
using Fluxo.Pipes.Fetching;
using Fluxo.Pipes.Modules;
using Fluxo.Pipes.Running;
using Fluxo.Runtime;
using Fluxo.Runtime.Engine;

namespace Fluxo.Cli.Running;

/// <summary>What `fluxo run` adds for Yahoo pipes: the module executor with its fetcher.</summary>
internal static class PipeSupport
{
    public static bool IsPipe(IrModule module) => module.Graphs.Any(g => g.Nodes.Any(n => n.Kind == NodeKind.PipeModule));

    /// <summary>The pipe executor; under the virtual clock "now" is the engine's epoch, so relative dates are reproducible.</summary>
    public static ImmutableArray<INodeExecutor>? Executors(RunArgs args, DiagnosticBag diags)
    {
        var fetcher = Fetchers.Open(args.Fixtures, args.AllowPrivate, diags);
        if (fetcher is null)
        {
            return null;
        }

        var clock = args.Clock == ClockMode.Virtual ? new FixedClock(new EngineOptions().EpochMs) : (Fluxo.Builtins.IBuiltinContext)Fluxo.Builtins.SystemBuiltinContext.Instance;
        return [new PipeModuleExecutor(PipeRunOptions.With(fetcher, clock).WarningsTo(diags))];
    }
}
