using System.Collections.Immutable;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Fluxo.Values;

/// <summary>JSON form of values: the shape `fluxo run` prints and traces and IR literals use.</summary>
public static class ValueJson
{
    public static string Serialize(Value value, bool indented = false)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, new JsonWriterOptions { Indented = indented, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            Write(w, value);
        }

        return Encoding.UTF8.GetString(ms.ToArray());
    }

    public static void Write(Utf8JsonWriter w, Value value)
    {
        switch (value.Kind)
        {
            case ValueKind.Null: w.WriteNullValue(); break;
            case ValueKind.Bool: w.WriteBooleanValue(value.AsBool); break;
            case ValueKind.Int: w.WriteNumberValue(value.AsInt); break;
            case ValueKind.Float: WriteFloat(w, value.AsFloat); break;
            case ValueKind.String: w.WriteStringValue(value.AsString); break;
            case ValueKind.List:
                w.WriteStartArray();
                foreach (var item in value.AsList)
                {
                    Write(w, item);
                }

                w.WriteEndArray();
                break;
            case ValueKind.Record:
                w.WriteStartObject();
                foreach (var kv in value.AsRecord)
                {
                    w.WritePropertyName(kv.Key);
                    Write(w, kv.Value);
                }

                w.WriteEndObject();
                break;
        }
    }

    // An integral float keeps a ".0" so it reads back as a float; JSON has no NaN or infinity.
    private static void WriteFloat(Utf8JsonWriter w, double d)
    {
        if (!double.IsFinite(d))
        {
            w.WriteNullValue();
        }
        else if (Math.Floor(d) == d && Math.Abs(d) < 1e15)
        {
            w.WriteRawValue(d.ToString("F1", System.Globalization.CultureInfo.InvariantCulture));
        }
        else
        {
            w.WriteNumberValue(d);
        }
    }

    /// <summary>Integral JSON numbers become Int, others Float; objects keep their field order.</summary>
    public static Value FromElement(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.Undefined => Value.Null,
        JsonValueKind.True => Value.True,
        JsonValueKind.False => Value.False,
        JsonValueKind.String => Value.String(e.GetString()!),
        JsonValueKind.Number => IsIntegral(e.GetRawText()) && e.TryGetInt64(out var i) ? Value.Int(i) : Value.Float(e.GetDouble()),
        JsonValueKind.Array => Value.List(e.EnumerateArray().Select(FromElement).ToImmutableArray()),
        JsonValueKind.Object => Value.Record(e.EnumerateObject().Select(p => new KeyValuePair<string, Value>(p.Name, FromElement(p.Value))).ToImmutableArray()),
        _ => Value.Null,
    };

    private static bool IsIntegral(string raw) => raw.IndexOfAny(['.', 'e', 'E']) < 0;

    public static Value Parse(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return FromElement(doc.RootElement);
    }
}

/// <summary>Lets IR records carry values (literals) through System.Text.Json.</summary>
public sealed class ValueJsonConverter : JsonConverter<Value>
{
    // JSON null is Value.Null, not a missing value: without this a none literal would not survive a round trip.
    public override bool HandleNull => true;

    public override Value Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        using var doc = JsonDocument.ParseValue(ref reader);
        return ValueJson.FromElement(doc.RootElement);
    }

    public override void Write(Utf8JsonWriter writer, Value value, JsonSerializerOptions options) => ValueJson.Write(writer, value);
}
