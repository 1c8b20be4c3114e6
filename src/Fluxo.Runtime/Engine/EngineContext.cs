using System.Collections.Immutable;
using Fluxo.Ir;
using Fluxo.Runtime.Externs;

namespace Fluxo.Runtime.Engine;

/// <summary>What compiling needs beyond one node: the module, extern bindings, and fn bodies compiled once.</summary>
internal sealed class EngineContext(IrModule module, ServiceBindings bindings)
{
    private readonly Dictionary<string, CompiledFn> _fns = new(StringComparer.Ordinal);
    private readonly HashSet<string> _compiling = new(StringComparer.Ordinal);

    public IrModule Module { get; } = module;

    public IExternBinding Binding(string name) =>
        bindings.Externs.TryGetValue(name, out var b) ? b : throw new CompileException($"extern '{name}' has no binding");

    public CompiledFn Function(string name)
    {
        if (_fns.TryGetValue(name, out var done))
        {
            return done;
        }

        var decl = Module.FindFunction(name) ?? throw new CompileException($"fn '{name}' is not declared");
        if (!_compiling.Add(name))
        {
            throw new CompileException($"fn '{name}' calls itself");
        }

        var compiler = new ExprCompiler(this, []);
        var scope = ImmutableDictionary<string, int>.Empty;
        var slots = new int[decl.Params.Length];
        for (var i = 0; i < slots.Length; i++)
        {
            slots[i] = compiler.NewSlot();
            scope = scope.SetItem(decl.Params[i].Name, slots[i]);
        }

        var body = compiler.Compile(decl.Body, scope);
        _compiling.Remove(name);
        return _fns[name] = new CompiledFn(decl, body, compiler.Slots, slots);
    }
}
