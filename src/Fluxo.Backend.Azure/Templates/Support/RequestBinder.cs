using System.Collections.Immutable;
using System.Text.Json;
using Fluxo.Values;
using Microsoft.AspNetCore.Http;

namespace Fluxo.Support;

/// <summary>A request that does not fit the handler's parameters; <see cref="Parameter"/> names the culprit.</summary>
public sealed class BadRequestException(string message, string? parameter = null) : Exception(message)
{
    public string? Parameter => parameter;
}

/// <summary>Turns a JSON body or a query string into the handler's request record, checking every parameter's type.</summary>
public static class RequestBinder
{
    public static Value FromJson(HandlerInfo handler, ServiceModel model, string body)
    {
        JsonElement root;
        try
        {
            using var doc = JsonDocument.Parse(string.IsNullOrWhiteSpace(body) ? "{}" : body);
            root = doc.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new BadRequestException("the body is not valid JSON: " + e.Message);
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new BadRequestException("the body must be a JSON object of the handler's parameters");
        }

        foreach (var p in root.EnumerateObject())
        {
            if (!handler.Params.Any(x => x.Name == p.Name))
            {
                throw new BadRequestException($"unknown parameter '{p.Name}'", p.Name);
            }
        }

        return Bind(handler, model, name => root.TryGetProperty(name, out var e) ? ValueJson.FromElement(e) : null);
    }

    public static Value FromQuery(HandlerInfo handler, ServiceModel model, IQueryCollection query)
    {
        foreach (var key in query.Keys)
        {
            if (!handler.Params.Any(x => x.Name == key))
            {
                throw new BadRequestException($"unknown parameter '{key}'", key);
            }
        }

        return Bind(handler, model, name =>
        {
            if (!query.TryGetValue(name, out var raw))
            {
                return null;
            }

            var p = handler.Params.First(x => x.Name == name);
            return FromText(raw.ToString(), p.Type, model, name);
        });
    }

    private static Value Bind(HandlerInfo handler, ServiceModel model, Func<string, Value?> lookup)
    {
        var fields = ImmutableArray.CreateBuilder<KeyValuePair<string, Value>>();
        foreach (var p in handler.Params)
        {
            var v = lookup(p.Name);
            if (v is null)
            {
                if (!p.Type.EndsWith('?'))
                {
                    throw new BadRequestException($"missing parameter '{p.Name}' ({p.Type})", p.Name);
                }

                v = Value.Null;
            }

            fields.Add(new(p.Name, Check(v, p.Type, model, p.Name)));
        }

        return Value.Record(fields.ToImmutable());
    }

    /// <summary>A parameter's value checked by Core's rule (<see cref="ParamValues"/>), so the service refuses exactly what <c>fluxo run</c> refuses.</summary>
    private static Value Check(Value v, string type, ServiceModel model, string name) =>
        ParamValues.Conform(v, type, model.DeclaredFields, name, out var problem) ?? throw Wrong(name, type, problem);

    private static Value FromText(string text, string type, ServiceModel model, string name) =>
        ParamValues.FromText(text, type, model.DeclaredFields, out var problem) ?? throw Wrong(name, type, problem);

    private static BadRequestException Wrong(string name, string type, string? problem) => new($"parameter '{name}' must be {type}: {problem}", name);
}
