using System.Collections.Immutable;
using Fluxo.Diagnostics;
using Fluxo.Ir;
using Fluxo.Values;

namespace Fluxo.TestSupport;

/// <summary>
/// The weather service's IR built by hand, the way the front end lowers samples/weather/weather.flimp
/// (7 nodes: Source, ipToCity, cityToWeather, zipToWeather, If with `zip != ""` fused, buildHtml, Sink).
/// </summary>
public static class WeatherIr
{
    public const int Source = 0, IpToCity = 1, CityToWeather = 2, ZipToWeather = 3, Join = 4, BuildHtml = 5, Sink = 6;

    private static readonly SourceSpan Span = SourceSpan.None("weather.flimp");

    public static IrModule Module()
    {
        static ExternDecl Ext(string name, string param) => new(name, [new Param(param, "string")], "string", true, true, 50, Span);
        var fnBody = new BinaryExpr("+", new BinaryExpr("+", new LitExpr(Value.String("<p>")),
            new CallExpr(CallKind.Builtin, "htmlEscape", [new VarExpr("report")])), new LitExpr(Value.String("</p>")));
        var fn = new FnDecl("buildHtml", [new Param("report", "string")], "string", fnBody, Span);
        var input = new NodeProps(true, true, true, [], []);
        Node N(int id, NodeKind kind, string label, string? target, ImmutableArray<NodeInput> inputs, Expr? expr, NodeProps props) =>
            new(id, kind, label, target, inputs, expr, null, "string", props, Span);
        ImmutableArray<Node> nodes =
        [
            N(Source, NodeKind.Source, "request", null, [], null, input) with { Type = "record" },
            N(IpToCity, NodeKind.Extern, "ipToCity", "ipToCity", [new NodeInput(0, "ip")], Call(CallKind.Extern, "ipToCity"), input),
            N(CityToWeather, NodeKind.Extern, "cityToWeather", "cityToWeather", [new NodeInput(IpToCity)], Call(CallKind.Extern, "cityToWeather"), input),
            N(ZipToWeather, NodeKind.Extern, "zipToWeather", "zipToWeather", [new NodeInput(0, "zip")], Call(CallKind.Extern, "zipToWeather"), input),
            N(Join, NodeKind.If, "if", null, [new NodeInput(0, "zip"), new NodeInput(ZipToWeather), new NodeInput(CityToWeather)],
                new IfExpr(new BinaryExpr("!=", new InputExpr(0), new LitExpr(Value.String(""))), new InputExpr(1), new InputExpr(2)), input),
            N(BuildHtml, NodeKind.Fn, "buildHtml", "buildHtml", [new NodeInput(Join)], Call(CallKind.Fn, "buildHtml"), input),
            N(Sink, NodeKind.Sink, "response", null, [new NodeInput(BuildHtml)], new InputExpr(0), input),
        ];
        var graph = IrJson.WithHash(new Graph("weather", [new Param("ip", "string"), new Param("zip", "string")], "string", nodes, Source, Sink, "", Span));
        return new IrModule("Weather", "weather.flimp", [], [Ext("ipToCity", "ip"), Ext("cityToWeather", "city"), Ext("zipToWeather", "zip")], [fn], [], [graph]);
    }

    private static CallExpr Call(CallKind kind, string name) => new(kind, name, [new InputExpr(0)]);

    public static Value Request(string ip, string zip) =>
        Value.Record([new("ip", Value.String(ip)), new("zip", Value.String(zip))]);
}
