using Fluxo.Diagnostics;
using Fluxo.Ir;
using Fluxo.Runtime.Engine;
using Fluxo.Runtime.Externs;
using Fluxo.TestSupport;

namespace Fluxo.Runtime.Tests;

/// <summary>The weather module with the sample's bindings, as tests build it.</summary>
internal static class WeatherEngine
{
    public static readonly IrModule Module = WeatherIr.Module();

    public static string BindingsPath => Path.Combine(RepoPaths.Samples, "weather", "weather.bindings.json");

    public static ServiceBindings Bindings()
    {
        var diags = new DiagnosticBag();
        var b = ServiceBindings.Read(BindingsPath, Module, new HttpClient(), diags);
        Assert.True(b is not null, string.Join("\n", diags.Items));
        return b!;
    }

    public static ServiceEngine Create(EngineOptions? options = null)
    {
        var diags = new DiagnosticBag();
        var engine = ServiceEngine.Create(Module, (options ?? new EngineOptions()) with { Bindings = Bindings() }, diags);
        Assert.True(engine is not null, string.Join("\n", diags.Items));
        return engine!;
    }
}
