using System.Globalization;
using Fluxo.TestSupport;

namespace Fluxo.Backend.Azure.Tests;

/// <summary>
/// scripts/loop.sh on the weather sample, end to end on loopback: the service compiled without a policy traces
/// itself, its traces are pulled and optimized, and the service recompiled with the policy answers every request
/// as before and gains at least half of the mean latency the optimizer predicted.
/// </summary>
[Collection("generated")]
public sealed class LoopTests : IDisposable
{
    private readonly string _out = Directory.CreateTempSubdirectory("fluxo-loop-").FullName;

    [Fact]
    public void TheLoopOnWeatherKeepsEveryAnswerAndGainsAtLeastHalfThePrediction()
    {
        var fluxo = Path.Combine(AppContext.BaseDirectory, "fluxo.dll");
        Assert.True(File.Exists(fluxo), fluxo);
        var env = new Dictionary<string, string>
        {
            ["LOOP_OUT"] = _out,
            ["LOOP_FLUXO"] = fluxo,
            ["LOOP_REQUESTS"] = "1200",
        };
        var (code, log) = GeneratedSolution.Run("bash", RepoPaths.Root, env, Path.Combine("scripts", "loop.sh"), "weather");
        Assert.True(code == 0, log);
        var summary = File.ReadAllText(Path.Combine(_out, "summary.txt")).Trim();
        var fields = summary.Split(' ').Skip(1).Select(f => f.Split('=')).ToDictionary(f => f[0], f => f[1]);
        var identical = fields["identical"].Split('/');
        Assert.True(identical[0] == identical[1] && int.Parse(identical[1], CultureInfo.InvariantCulture) >= 1200, summary + "\n" + log);
        var predicted = double.Parse(fields["predicted_gain"], CultureInfo.InvariantCulture);
        var measured = double.Parse(fields["measured_gain"], CultureInfo.InvariantCulture);
        Assert.True(predicted > 0, summary + "\n" + log);
        Assert.True(measured >= predicted / 2, summary + "\n" + log);
    }

    public void Dispose() => Directory.Delete(_out, recursive: true);
}
