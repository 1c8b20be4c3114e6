using System.Collections.Immutable;
using System.Globalization;
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
            return FromText(raw.ToString(), p.Type, name);
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

    private static Value FromText(string text, string type, string name)
    {
        var t = type.TrimEnd('?');
        switch (t)
        {
            case "string":
                return Value.String(text);
            case "int":
                return long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) ? Value.Int(i) : throw Wrong(name, type);
            case "float":
                return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? Value.Float(d) : throw Wrong(name, type);
            case "bool":
                return text is "true" or "false" ? Value.Bool(text == "true") : throw Wrong(name, type);
            default:
                try
                {
                    return ValueJson.Parse(text);
                }
                catch (JsonException)
                {
                    throw new BadRequestException($"parameter '{name}' must be {type} written as JSON", name);
                }
        }
    }

    /// <summary>Checks a value against a type text; ints are accepted where floats are asked for, and become floats.</summary>
    public static Value Check(Value v, string type, ServiceModel model, string name)
    {
        if (type.EndsWith('?'))
        {
            return v.IsNull ? v : Check(v, type[..^1], model, name);
        }

        switch (type)
        {
            case "any":
                return v;
            case "string" when v.Kind == ValueKind.String:
            case "int" when v.Kind == ValueKind.Int:
            case "bool" when v.Kind == ValueKind.Bool:
            case "float" when v.Kind == ValueKind.Float:
                return v;
            case "float" when v.Kind == ValueKind.Int:
                return Value.Float(v.AsFloat);
            case "unit" when v.IsNull:
                return v;
        }

        if (type.StartsWith("list<", StringComparison.Ordinal) && type.EndsWith('>'))
        {
            if (v.Kind != ValueKind.List)
            {
                throw Wrong(name, type);
            }

            var item = type[5..^1];
            return Value.List(v.AsList.Select((x, i) => Check(x, item, model, name + "[" + i.ToString(CultureInfo.InvariantCulture) + "]")));
        }

        if (model.Records.FirstOrDefault(r => r.Name == type) is { } record)
        {
            if (v.Kind != ValueKind.Record)
            {
                throw Wrong(name, type);
            }

            var fields = ImmutableArray.CreateBuilder<KeyValuePair<string, Value>>();
            foreach (var f in record.Fields)
            {
                var fv = v.GetField(f.Name);
                if (fv is null && !f.Type.EndsWith('?'))
                {
                    throw new BadRequestException($"parameter '{name}' lacks field '{f.Name}' ({f.Type})", name);
                }

                fields.Add(new(f.Name, Check(fv ?? Value.Null, f.Type, model, name + "." + f.Name)));
            }

            return Value.Record(fields.ToImmutable());
        }

        throw Wrong(name, type);
    }

    private static BadRequestException Wrong(string name, string type) => new($"parameter '{name}' must be {type}", name.Split('.', '[')[0]);
}
