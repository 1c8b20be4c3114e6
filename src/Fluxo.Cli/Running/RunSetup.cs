using System.Collections.Immutable;
using Fluxo.Diagnostics;
using Fluxo.Ir;
using Fluxo.Policy;
using Fluxo.Runtime;
using Fluxo.Runtime.Engine;
using Fluxo.Runtime.Externs;
using Fluxo.Runtime.Tables;

namespace Fluxo.Cli.Running;

/// <summary>
/// What `fluxo run` runs on: the engine over the service with its bindings, its policy, its stores, queue and caches
/// (embedded, or Azure Storage and Redis) and, for a pipe, the module executor. Disposing it closes the stores.
/// </summary>
internal sealed class RunSetup : IAsyncDisposable
{
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private Backends? _backends;

    private RunSetup()
    {
    }

    public ServiceEngine Engine { get; private set; } = null!;

    /// <summary>The engine for <paramref name="args"/>, or null after diagnostics.</summary>
    public static async Task<RunSetup?> CreateAsync(IrModule module, RunArgs args, DiagnosticBag diags, CancellationToken ct)
    {
        var setup = new RunSetup();
        var executors = PipeSupport.IsPipe(module) ? PipeSupport.Executors(args, diags) : ImmutableArray<INodeExecutor>.Empty;
        if (executors is null)
        {
            return await setup.FailAsync();
        }

        var bindingsPath = args.Bindings ?? ServiceBindings.PathBeside(args.File);
        var bindings = File.Exists(bindingsPath) || args.Bindings is not null || module.Externs.Length > 0
            ? ServiceBindings.Read(bindingsPath, module, setup._http, diags)
            : ServiceBindings.Empty;
        PolicyDocument? policy = args.Policy is null ? null : PolicyJson.ReadFor(module, args.Policy, args.AllowStalePolicy, diags);
        if (bindings is null || diags.HasErrors)
        {
            return await setup.FailAsync();
        }

        var backends = setup._backends = await Backends.CreateAsync(args, ct);
        if (args.Tables is not null && await TableSeed.SeedAsync(args.Tables, module, backends.Tables, diags, ct) is null)
        {
            return await setup.FailAsync();
        }

        var options = new EngineOptions
        {
            Clock = args.Clock,
            Seed = args.Seed ?? 1,
            Bindings = bindings,
            Policy = policy,
            PolicyPath = args.Policy ?? "policy.json",
            Tables = backends.Tables,
            Queue = backends.Queue,
            Caches = backends.Caches,
            Trace = args.Trace is not null,
            Executors = executors.Value,
            TimeLimit = args.TimeLimitSeconds switch
            {
                null => new EngineOptions().TimeLimit,
                0 => null,
                var seconds => TimeSpan.FromSeconds(seconds.Value),
            },
        };
        var engine = ServiceEngine.Create(module, options, diags);
        if (engine is null)
        {
            return await setup.FailAsync();
        }

        setup.Engine = engine;
        return setup;
    }

    private async Task<RunSetup?> FailAsync()
    {
        await DisposeAsync();
        return null;
    }

    public async ValueTask DisposeAsync()
    {
        if (_backends is not null)
        {
            await _backends.DisposeAsync();
        }

        _http.Dispose();
    }
}
