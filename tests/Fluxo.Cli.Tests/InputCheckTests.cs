using System.Text;

namespace Fluxo.Cli.Tests;

/// <summary>Issue 18, defect 11: request inputs and source bytes are checked where they are given, with a located FLX error.</summary>
public sealed class InputCheckTests : IDisposable
{
    private const string Source = """
        service S;
        record P { a: int; b: string?; }
        handler h(n: int, f: float, ps: list<P>, o: int?) -> int {
          return count(range(n));
        }
        """;

    private readonly string _dir = Directory.CreateTempSubdirectory("fluxo-inputs-").FullName;

    public InputCheckTests() => File.WriteAllText(Service, Source);

    private string Service => Path.Combine(_dir, "s.flimp");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private (int Code, string Out, string Err) Run(params string[] inputs)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        string[] args = ["run", Service, "--handler", "h", .. inputs.SelectMany(i => new[] { "--input", i })];
        var code = Program.Invoke(args, new System.CommandLine.InvocationConfiguration { Output = output, Error = error });
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public void WellTypedInputsRunAndOptionalOnesMayBeLeftOut()
    {
        var (code, output, error) = Run("n=2", "f=1e3", """ps=[{"a":1}]""");
        Assert.True(code == 0, error);
        Assert.Equal("2", output.Trim());
    }

    [Theory]
    [InlineData("n=abc", "FLX0302", "input 'n=abc' is not of type int")]
    [InlineData("n=1.5", "FLX0302", "input 'n=1.5' is not of type int")]
    [InlineData("f=x", "FLX0302", "input 'f=x' is not of type float")]
    [InlineData("""ps=[{"a":"1"}]""", "FLX0302", "value[0].a is a string, not int")]
    [InlineData("""ps=[{"a":1,"c":2}]""", "FLX0302", "has field 'c', which P does not declare")]
    [InlineData("limit=3", "FLX0301", "handler 'h' has no parameter 'limit'; it has: n, f, ps, o")]
    [InlineData("n=1", "FLX0304", "input 'n' is given more than once")]
    public void ABadInputIsALocatedErrorBeforeTheRequestRuns(string bad, string code, string message)
    {
        var name = bad[..bad.IndexOf('=')];
        string[] good = ["n=1", "f=1", "ps=[]"];
        var (exit, _, error) = Run([.. good.Where(g => code == "FLX0304" || !g.StartsWith(name + "=", StringComparison.Ordinal)), bad]);
        Assert.Equal(1, exit);
        Assert.Contains($"<command line>(1,1): error {code}: ", error);
        Assert.Contains(message, error);
        Assert.DoesNotContain("Unable to cast", error);
    }

    [Fact]
    public void AMissingRequiredInputIsNamed()
    {
        var (exit, _, error) = Run("n=1", "ps=[]");
        Assert.Equal(1, exit);
        Assert.Contains("error FLX0303: handler 'h' needs parameter 'f' (float)", error);
    }

    [Fact]
    public void AFailingRequestIsADiagnostic()
    {
        var (exit, _, error) = Run("n=100001", "f=1", "ps=[]");
        Assert.Equal(1, exit);
        Assert.Matches(@"s\.flimp\(1,1\): error FLX0305: request to 'h' failed: range: 100001 is beyond its limit", error);
    }

    [Theory]
    [InlineData(new byte[] { 0xFF }, 3, 12)]
    [InlineData(new byte[] { 0xC3 }, 3, 12)]
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 }, 3, 12)]
    public void ABadUtf8ByteInAStringLiteralIsALocatedError(byte[] bad, int line, int column)
    {
        var head = Encoding.UTF8.GetBytes("service S;\nhandler h(x: string) -> string {\n  return \"é");
        var tail = Encoding.UTF8.GetBytes("\" + x;\n}\n");
        File.WriteAllBytes(Service, [0xEF, 0xBB, 0xBF, .. head, .. bad, .. tail]);
        var output = new StringWriter();
        var code = Program.Invoke(["check", Service], new System.CommandLine.InvocationConfiguration { Output = output, Error = output });
        Assert.Equal(1, code);
        Assert.Contains($"s.flimp({line},{column}): error FLX0300: the file is not valid UTF-8", output.ToString());
    }
}
