using System.Collections.Immutable;
using Fluxo.Diagnostics;
using Fluxo.Ir;
using Fluxo.Values;

namespace Fluxo.Optimizer.Synthetic;

/// <summary>
/// The paper's Weather service with the shape the front end gives samples/weather/weather.flimp (seven
/// nodes): Source, ipToCity, cityToWeather, zipToWeather, the If join (zip != "" fused into it; inputs
/// zip, zipToWeather, cityToWeather), buildHtml, Sink. Lets the optimizer be tested without the front end.
/// </summary>
public static class WeatherGraph
{
    public const int Source = 0;
    public const int IpToCity = 1;
    public const int CityToWeather = 2;
    public const int ZipToWeather = 3;
    public const int Join = 4;
    public const int BuildHtml = 5;
    public const int Sink = 6;

    public static IrModule Module()
    {
        var span = SourceSpan.None("weather.flimp");
        var ext = new NodeProps(true, true, true, [], []);
        Node Make(int id, NodeKind kind, string label, string? target, ImmutableArray<NodeInput> inputs, Expr? expr) =>
            new(id, kind, label, target, inputs, expr, null, "string", id == Source ? ext with { Deterministic = true } : ext, span);

        var call = (string name) => new CallExpr(CallKind.Extern, name, [new InputExpr(0)]);
        var nodes = ImmutableArray.Create(
            Make(Source, NodeKind.Source, "request", null, [], null),
            Make(IpToCity, NodeKind.Extern, "ipToCity", "ipToCity", [new NodeInput(Source, "ip")], call("ipToCity")),
            Make(CityToWeather, NodeKind.Extern, "cityToWeather", "cityToWeather", [new NodeInput(IpToCity)], call("cityToWeather")),
            Make(ZipToWeather, NodeKind.Extern, "zipToWeather", "zipToWeather", [new NodeInput(Source, "zip")], call("zipToWeather")),
            Make(Join, NodeKind.If, "if", null, [new NodeInput(Source, "zip"), new NodeInput(ZipToWeather), new NodeInput(CityToWeather)],
                new IfExpr(new BinaryExpr("!=", new InputExpr(0), new LitExpr(Value.EmptyString)), new InputExpr(1), new InputExpr(2))),
            Make(BuildHtml, NodeKind.Fn, "buildHtml", "buildHtml", [new NodeInput(Join)], new CallExpr(CallKind.Fn, "buildHtml", [new InputExpr(0)])),
            Make(Sink, NodeKind.Sink, "response", null, [new NodeInput(BuildHtml)], new InputExpr(0)));
        var graph = IrJson.WithHash(new Graph("weather", [new Param("ip", "string"), new Param("zip", "string")], "string", nodes, Source, Sink, "", span));
        ExternDecl Extern(string name, string param) => new(name, [new Param(param, "string")], "string", true, true, null, span);
        return new IrModule("Weather", "weather.flimp", [], [Extern("ipToCity", "ip"), Extern("cityToWeather", "city"), Extern("zipToWeather", "zip")],
            [new FnDecl("buildHtml", [new Param("report", "string")], "string", new BinaryExpr("+", new LitExpr(Value.String("<p>")), new VarExpr("report")), span)],
            [], [graph]);
    }
}
