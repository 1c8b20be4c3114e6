using System.Buffers;
using System.Collections.Immutable;
using System.Globalization;
using System.IO.Hashing;
using System.Runtime.CompilerServices;
using System.Text;

namespace Fluxo.Values;

/// <summary>
/// An immutable runtime value shared by Flimp services and Yahoo Pipes (whose items are records).
/// Equality, the stable hash and the byte size are defined on a canonical encoding, so a value
/// hashes the same in every process and on every machine; traces and caches rely on that.
/// </summary>
public abstract class Value : IEquatable<Value>
{
    public static readonly Value Null = new NullValue();
    public static readonly Value True = new BoolValue(true);
    public static readonly Value False = new BoolValue(false);
    public static readonly Value EmptyString = new StringValue("");
    public static readonly Value EmptyList = new ListValue([]);

    public abstract ValueKind Kind { get; }

    public static Value Bool(bool b) => b ? True : False;
    public static Value Int(long i) => new IntValue(i);
    public static Value Float(double d) => new FloatValue(d);
    public static Value String(string s) => s.Length == 0 ? EmptyString : new StringValue(s);
    public static Value List(ImmutableArray<Value> items) => items.IsDefaultOrEmpty ? EmptyList : new ListValue(items);
    public static Value List(IEnumerable<Value> items) => List(items.ToImmutableArray());
    public static Value Record(ImmutableArray<KeyValuePair<string, Value>> fields) => new RecordValue(fields);
    public static Value Record(IEnumerable<KeyValuePair<string, Value>> fields) => new RecordValue(fields.ToImmutableArray());

    public bool IsNull => Kind == ValueKind.Null;
    public bool AsBool => ((BoolValue)this).V;
    public long AsInt => ((IntValue)this).V;
    public double AsFloat => this is IntValue i ? i.V : ((FloatValue)this).V;
    public string AsString => ((StringValue)this).V;
    public ImmutableArray<Value> AsList => ((ListValue)this).Items;
    public ImmutableArray<KeyValuePair<string, Value>> AsRecord => ((RecordValue)this).Fields;

    /// <summary>A record's field, or null when absent or when this is not a record.</summary>
    public Value? GetField(string name)
    {
        if (this is not RecordValue r)
        {
            return null;
        }

        foreach (var kv in r.Fields)
        {
            if (kv.Key == name)
            {
                return kv.Value;
            }
        }

        return null;
    }

    /// <summary>The canonical encoding; records are encoded with fields sorted by name.</summary>
    public void Encode(Stream output)
    {
        using var w = new BinaryWriter(output, Encoding.UTF8, leaveOpen: true);
        Encode(w);
    }

    private void Encode(BinaryWriter w)
    {
        w.Write((byte)Kind);
        switch (this)
        {
            case BoolValue b: w.Write(b.V); break;
            case IntValue i: w.Write(i.V); break;
            case FloatValue f: w.Write(f.V); break;
            case StringValue s: w.Write(s.V); break;
            case ListValue l:
                w.Write(l.Items.Length);
                foreach (var item in l.Items)
                {
                    item.Encode(w);
                }

                break;
            case RecordValue r:
                w.Write(r.Fields.Length);
                foreach (var kv in r.Fields.OrderBy(kv => kv.Key, StringComparer.Ordinal))
                {
                    w.Write(kv.Key);
                    kv.Value.Encode(w);
                }

                break;
        }
    }

    private ulong _hash;
    private int _size = -1;

    /// <summary>XxHash64 of the canonical encoding: stable across processes and machines.</summary>
    public ulong StableHash
    {
        get
        {
            if (Volatile.Read(ref _size) < 0)
            {
                ComputeHashAndSize();
            }

            return _hash;
        }
    }

    /// <summary>Bytes of the canonical encoding: what a cache entry of this value costs.</summary>
    public int ByteSize
    {
        get
        {
            if (Volatile.Read(ref _size) < 0)
            {
                ComputeHashAndSize();
            }

            return _size;
        }
    }

    // Traces hash every value that crosses an edge: compiled optimized at once rather than tiered up during a short run.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ComputeHashAndSize()
    {
        // Benign race: two threads may both compute; the size is published last, after the hash.
        if (this is StringValue { V.Length: < 1024 } s)
        {
            // A string's encoding is its kind and its UTF-8 bytes, and an ASCII string's UTF-8 is its chars narrowed one
            // for one: that narrowing is a vectorized copy into a buffer on the stack, with no encoder in between.
            Span<byte> ascii = stackalloc byte[s.V.Length + 1];
            ascii[0] = (byte)ValueKind.String;
            if (Ascii.FromUtf16(s.V, ascii[1..], out _) == OperationStatus.Done)
            {
                _hash = XxHash64.HashToUInt64(ascii);
                Volatile.Write(ref _size, ascii.Length);
                return;
            }
        }

        ComputeHashAndSizeEncoded();
    }

    private void ComputeHashAndSizeEncoded()
    {
        switch (this)
        {
            case StringValue s:
                {
                    // Encoded into a stack or pooled buffer, not two new arrays.
                    var max = Encoding.UTF8.GetMaxByteCount(s.V.Length) + 1;
                    byte[]? rented = null;
                    var buf = max <= 1024 ? stackalloc byte[max] : (rented = ArrayPool<byte>.Shared.Rent(max));
                    buf[0] = (byte)ValueKind.String;
                    var n = Encoding.UTF8.GetBytes(s.V, buf[1..]) + 1;
                    _hash = XxHash64.HashToUInt64(buf[..n]);
                    if (rented is not null)
                    {
                        ArrayPool<byte>.Shared.Return(rented);
                    }

                    Volatile.Write(ref _size, n);
                    return;
                }

            default:
                {
                    using var ms = new MemoryStream();
                    Encode(ms);
                    _hash = XxHash64.HashToUInt64(ms.GetBuffer().AsSpan(0, (int)ms.Length));
                    Volatile.Write(ref _size, (int)ms.Length);
                    return;
                }
        }
    }

    public bool Equals(Value? other)
    {
        if (ReferenceEquals(this, other))
        {
            return true;
        }

        if (other is null || other.Kind != Kind)
        {
            // 1 and 1.0 are equal, as in arithmetic.
            return other is not null && IsNumber && other.IsNumber && AsFloat.Equals(other.AsFloat);
        }

        return this switch
        {
            NullValue => true,
            BoolValue b => b.V == ((BoolValue)other).V,
            IntValue i => i.V == ((IntValue)other).V,
            FloatValue f => f.V.Equals(((FloatValue)other).V),
            StringValue s => string.Equals(s.V, ((StringValue)other).V, StringComparison.Ordinal),
            ListValue l => l.Items.Length == ((ListValue)other).Items.Length && l.Items.SequenceEqual(((ListValue)other).Items),
            RecordValue r => RecordEquals(r, (RecordValue)other),
            _ => false,
        };
    }

    private static bool RecordEquals(RecordValue a, RecordValue b)
    {
        if (a.Fields.Length != b.Fields.Length)
        {
            return false;
        }

        foreach (var kv in a.Fields)
        {
            var o = b.GetField(kv.Key);
            if (o is null || !kv.Value.Equals(o))
            {
                return false;
            }
        }

        return true;
    }

    public bool IsNumber => Kind is ValueKind.Int or ValueKind.Float;

    public override bool Equals(object? obj) => obj is Value v && Equals(v);

    public override int GetHashCode() => IsNumber ? AsFloat.GetHashCode() : StableHash.GetHashCode();

    /// <summary>Text as a person reads it (strings unquoted); JSON is in <see cref="ValueJson"/>.</summary>
    public override string ToString() => this switch
    {
        NullValue => "none",
        BoolValue b => b.V ? "true" : "false",
        IntValue i => i.V.ToString(CultureInfo.InvariantCulture),
        FloatValue f => f.V.ToString("R", CultureInfo.InvariantCulture),
        StringValue s => s.V,
        _ => ValueJson.Serialize(this),
    };

    private sealed class NullValue : Value
    {
        public override ValueKind Kind => ValueKind.Null;
    }

    private sealed class BoolValue(bool v) : Value
    {
        public readonly bool V = v;
        public override ValueKind Kind => ValueKind.Bool;
    }

    private sealed class IntValue(long v) : Value
    {
        public readonly long V = v;
        public override ValueKind Kind => ValueKind.Int;
    }

    private sealed class FloatValue(double v) : Value
    {
        public readonly double V = v;
        public override ValueKind Kind => ValueKind.Float;
    }

    private sealed class StringValue(string v) : Value
    {
        public readonly string V = v;
        public override ValueKind Kind => ValueKind.String;
    }

    private sealed class ListValue(ImmutableArray<Value> items) : Value
    {
        public readonly ImmutableArray<Value> Items = items;
        public override ValueKind Kind => ValueKind.List;
    }

    private sealed class RecordValue(ImmutableArray<KeyValuePair<string, Value>> fields) : Value
    {
        public readonly ImmutableArray<KeyValuePair<string, Value>> Fields = fields;
        public override ValueKind Kind => ValueKind.Record;
    }
}
