using System.Text;
using Fluxo.Diagnostics;

namespace Fluxo.Flimp.Tests;

/// <summary>Any input, however broken, gives diagnostics or IR: never an exception, an internal error or a hang.</summary>
public class RobustnessTests
{
    // Generous: a compile takes milliseconds, the deepest nestings a few seconds, and on a machine running several
    // test assemblies at once (load 30) those took over 20 s; only a hang reaches this.
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(120);

    private static readonly string[] Fragments =
    [
        "{", "}", "(", ")", "[", "]", ";", ",", ":", "?", "??", "=>", "->", "=", "==", "!", "-", "+", ".", "\"", "'", "/*", "//", "\n",
        "let", "if", "then", "else", "return", "put", "get", "delete", "query", "enqueue", "map", "filter", "fold", "fn", "handler",
        "table", "record", "extern", "service", "none", "true", "list<", "int", "string?", "x", "123", "1.5", "40ms", "while", "\u00e9", "\0",
    ];

    private static void AssertSurvives(string input, string what)
    {
        var diagnostics = new DiagnosticBag();
        var task = Task.Run(() => FlimpCompiler.Compile("fuzz.flimp", input, diagnostics));
        Assert.True(task.Wait(Limit), $"compile did not finish: {what}");
        Assert.True(task.Result is not null || diagnostics.HasErrors, $"no IR and no error: {what}");
        Assert.DoesNotContain(diagnostics.Items, d => d.Code == "FLX0999");
        Assert.All(diagnostics.Items, d => Assert.True(d.Span.Line >= 1 && d.Span.Column >= 1, $"bad location in {d.Format()}"));
    }

    private static IEnumerable<(string Input, string What)> Mutations(int seed, int perSample)
    {
        var rng = new Random(seed);
        foreach (var sample in Samples.All())
        {
            var text = File.ReadAllText(Samples.Full(sample));
            for (var i = 0; i < perSample; i++)
            {
                var kind = rng.Next(5);
                var at = rng.Next(text.Length + 1);
                var mutated = kind switch
                {
                    0 => text[..at],
                    1 => text.Remove(at, Math.Min(rng.Next(1, 20), text.Length - at)),
                    2 => text.Insert(at, Fragments[rng.Next(Fragments.Length)]),
                    3 => Swap(text, rng),
                    _ => text.Insert(at, Slice(text, rng.Next(text.Length), 30)),
                };
                yield return (mutated, $"{sample} mutation {i} (kind {kind} at {at})");
            }
        }
    }

    private static string Slice(string text, int from, int length) => text.Substring(from, Math.Min(length, text.Length - from));

    private static string Swap(string text, Random rng)
    {
        var chars = text.ToCharArray();
        for (var k = 0; k < 3 && chars.Length > 1; k++)
        {
            int a = rng.Next(chars.Length), b = rng.Next(chars.Length);
            (chars[a], chars[b]) = (chars[b], chars[a]);
        }

        return new string(chars);
    }

    [Fact]
    public void MutatedAndTruncatedSamplesNeverCrash()
    {
        var count = 0;
        foreach (var (input, what) in Mutations(seed: 20091, perSample: 60))
        {
            AssertSurvives(input, what);
            count++;
        }

        Assert.True(count >= 2000, $"only {count} inputs");
    }

    [Fact]
    public void RandomBytesNeverCrash()
    {
        var rng = new Random(7);
        for (var i = 0; i < 500; i++)
        {
            var bytes = new byte[rng.Next(0, 400)];
            rng.NextBytes(bytes);
            AssertSurvives(Encoding.UTF8.GetString(bytes), $"random bytes #{i}");
            AssertSurvives(Encoding.Latin1.GetString(bytes), $"random latin1 #{i}");
        }
    }

    [Fact]
    public void RandomTokenSoupNeverCrashes()
    {
        var rng = new Random(11);
        for (var i = 0; i < 500; i++)
        {
            var sb = new StringBuilder("service S; ");
            for (var k = rng.Next(1, 80); k > 0; k--)
            {
                sb.Append(Fragments[rng.Next(Fragments.Length)]).Append(' ');
            }

            AssertSurvives(sb.ToString(), $"token soup #{i}: {sb}");
        }
    }

    [Theory]
    [InlineData("-", 100_000)]
    [InlineData("!", 150_000)]
    [InlineData("if true then 1 else ", 9_000)]
    [InlineData("1 + ", 45_000)]
    [InlineData("(", 100_000)]
    [InlineData("x.", 90_000)]
    public void DeepNestingIsReportedNotAStackOverflow(string unit, int times)
    {
        var input = "service S;\nhandler h(x: int) -> int {\n  return " + string.Concat(Enumerable.Repeat(unit, times)) + "1;\n}\n";
        AssertSurvives(input, $"{unit} x {times}");
    }

    [Fact]
    public void EmptyAndWhitespaceInputsAreErrors()
    {
        foreach (var input in new[] { "", " ", "\n\n", "\uFEFF", "service" })
        {
            var diagnostics = new DiagnosticBag();
            Assert.Null(FlimpCompiler.Compile("empty.flimp", input, diagnostics));
            Assert.True(diagnostics.HasErrors);
        }
    }
}
