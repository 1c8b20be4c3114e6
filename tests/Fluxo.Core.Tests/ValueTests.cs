using Fluxo.Values;

namespace Fluxo.Core.Tests;

public sealed class ValueTests
{
    [Fact]
    public void StableHashDependsOnContentNotIdentity()
    {
        var a = Value.Record([new("city", Value.String("Seattle")), new("temp", Value.Int(12))]);
        var b = Value.Record([new("temp", Value.Int(12)), new("city", Value.String("Seattle"))]);
        Assert.Equal(a, b);
        Assert.Equal(a.StableHash, b.StableHash);
        Assert.NotEqual(a.StableHash, Value.String("Seattle").StableHash);
    }

    /// <summary>
    /// Value's own XXH64 gives System.IO.Hashing's numbers on every path (ASCII strings narrowed, other strings encoded,
    /// other values through the stream), at every length around the algorithm's 4-, 8- and 32-byte steps: traces and
    /// cache keys written before keep their hashes.
    /// </summary>
    [Fact]
    public void StableHashIsXxHash64OfTheCanonicalEncoding()
    {
        var random = new Random(7);
        for (var length = 0; length < 300; length++)
        {
            foreach (var alphabet in new[] { "abcXYZ019 .:<>/", "aé€😀" })
            {
                var text = new string([.. Enumerable.Range(0, length).Select(_ => alphabet[random.Next(alphabet.Length)])]);
                foreach (var v in new[] { Value.String(text), Value.List([Value.String(text), Value.Int(length)]) })
                {
                    using var encoding = new MemoryStream();
                    v.Encode(encoding);
                    var expected = v.Kind == ValueKind.String
                        ? [(byte)ValueKind.String, .. System.Text.Encoding.UTF8.GetBytes(text)]
                        : encoding.ToArray();
                    Assert.Equal(System.IO.Hashing.XxHash64.HashToUInt64(expected), v.StableHash);
                    Assert.Equal(expected.Length, v.ByteSize);
                }
            }
        }

        var longText = Value.String(new string('x', 5000));
        Assert.Equal(System.IO.Hashing.XxHash64.HashToUInt64([(byte)ValueKind.String, .. System.Text.Encoding.UTF8.GetBytes(new string('x', 5000))]), longText.StableHash);
    }

    [Fact]
    public void ByteSizeGrowsWithTheValue()
    {
        Assert.True(Value.String(new string('x', 1000)).ByteSize > Value.String("x").ByteSize);
        Assert.Equal(1 + 5, Value.String("hello").ByteSize);
    }

    [Fact]
    public void JsonRoundTripKeepsIntsAndFloatsApart()
    {
        var v = Value.List([Value.Int(1), Value.Float(1.0), Value.Float(2.5), Value.Null, Value.String("a\"b")]);
        var json = ValueJson.Serialize(v);
        Assert.Equal("[1,1.0,2.5,null,\"a\\\"b\"]", json);
        var back = ValueJson.Parse(json);
        Assert.Equal(ValueKind.Int, back.AsList[0].Kind);
        Assert.Equal(ValueKind.Float, back.AsList[1].Kind);
        Assert.Equal(v.StableHash, back.StableHash);
    }

    [Theory]
    [InlineData("+", 7L, 2L, 9L)]
    [InlineData("/", 7L, 2L, 3L)]
    [InlineData("%", 7L, 2L, 1L)]
    public void IntArithmeticStaysInt(string op, long a, long b, long expected) =>
        Assert.Equal(Value.Int(expected), Operators.Binary(op, Value.Int(a), Value.Int(b)));

    [Fact]
    public void DivisionByZeroIsNoneAndStringsConcatenate()
    {
        Assert.True(Operators.Binary("/", Value.Int(1), Value.Int(0)).IsNull);
        Assert.Equal("<p>3</p>", Operators.Binary("+", Operators.Binary("+", Value.String("<p>"), Value.Int(3)), Value.String("</p>")).AsString);
        Assert.Throws<FlimpRuntimeException>(() => Operators.Binary("-", Value.String("a"), Value.Int(1)));
    }
}
