using Fluxo.Flimp.Semantics;
using Fluxo.Ir;

namespace Fluxo.Flimp.Lowering;

/// <summary>Checked program to IR module: fns as expressions, one graph per handler.</summary>
public static class ModuleLowering
{
    public static IrModule Lower(BoundProgram program, string file)
    {
        var fns = new FnProperties(program.Functions.ToDictionary(f => f.Name, StringComparer.Ordinal));
        return new IrModule(
            program.Service,
            file,
            program.Records,
            program.Externs,
            [.. program.Functions.Select(fns.Lower)],
            program.Tables,
            [.. program.Handlers.Select(h => GraphBuilder.Build(h, fns))]);
    }
}
