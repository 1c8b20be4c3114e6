using System.Globalization;
using Fluxo.Diagnostics;
using Fluxo.Optimizer;

namespace Fluxo.Bench.Optimizer;

/// <param name="Only">grid: run only the rows whose name contains this text (to look into a few rows quickly).</param>
internal sealed record BenchOptions(int Requests, int Large, long Budget, int PaperN, int PaperK, int Grid, int Seed, string? Only = null)
{
    public static BenchOptions? Parse(string[] args)
    {
        var o = new BenchOptions(20_000, 1_000_000, 64 * 1024, 2_000, 20, 16, 7);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            var value = args[i + 1];
            if (args[i] == "--budget")
            {
                var b = ByteSize.Parse(value, new DiagnosticBag());
                if (b is null)
                {
                    return null;
                }

                o = o with { Budget = b.Value };
                continue;
            }

            if (args[i] == "--only")
            {
                o = o with { Only = value };
                continue;
            }

            if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
            {
                return null;
            }

            o = args[i] switch
            {
                "--requests" => o with { Requests = n },
                "--large" => o with { Large = n },
                "--paper-n" => o with { PaperN = n },
                "--paper-k" => o with { PaperK = n },
                "--grid" => o with { Grid = n },
                "--seed" => o with { Seed = n },
                _ => null!,
            };
            if (o is null)
            {
                return null;
            }
        }

        return args.Length % 2 == 0 ? o : null;
    }
}
